import { randomBytes } from 'node:crypto';
import { knex, type Knex } from '@mikro-orm/postgresql';
import { answers, requireOrSkip } from './require-server.js';

/**
 * The PostgreSQL server the store suites run against: `DECNET_TEST_POSTGRES_URL` (a role that may
 * create databases), default the one scripts/setup.sh creates on the local Debian server.
 */
export const POSTGRES_ADMIN_URL = process.env.DECNET_TEST_POSTGRES_URL ?? 'postgresql://decnet:decnet@127.0.0.1:5432/postgres';

/** A knex client on `url`, sized for a test. */
export function pgClient(url: string): Knex {
  return knex({ client: 'pg', connection: { connectionString: url, connectionTimeoutMillis: 3000 }, pool: { min: 0, max: 4 } });
}

/** True when the server answers. */
export async function postgresAnswers(url = POSTGRES_ADMIN_URL): Promise<boolean> {
  return answers(pgClient(url));
}

/**
 * Whether the PostgreSQL suites run. In CI (DECNET_REQUIRE_DOCKER=1, or DECNET_REQUIRE_POSTGRES=1)
 * a server that does not answer is an error, so the suites fail instead of skipping.
 */
export async function requirePostgresOrSkip(): Promise<boolean> {
  return requireOrSkip('PostgreSQL', 'DECNET_REQUIRE_POSTGRES', POSTGRES_ADMIN_URL, await postgresAnswers());
}

/** Creates an empty database with a unique name; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `decnet_test_${randomBytes(6).toString('hex')}`;
  const admin = pgClient(POSTGRES_ADMIN_URL);
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops databases made by createTestDatabase, even with connections still open. */
export async function dropTestDatabases(urls: readonly string[]): Promise<void> {
  if (urls.length === 0) return;
  const admin = pgClient(POSTGRES_ADMIN_URL);
  try {
    for (const u of urls) {
      const name = new URL(u).pathname.slice(1);
      if (/^decnet_test_[0-9a-f]{12}$/.test(name)) await dropWithRetry(admin, name);
    }
  } finally {
    await admin.destroy();
  }
}

// an autovacuum worker can hold the database for a moment; without pg_signal_backend (granted by
// scripts/ensure-postgres.sh) the forced drop cannot end it, so it waits and tries again
async function dropWithRetry(admin: Knex, name: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.raw(`drop database if exists ${name} with (force)`);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
