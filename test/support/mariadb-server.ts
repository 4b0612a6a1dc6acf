import { randomBytes } from 'node:crypto';
import { knex, type Knex } from '@mikro-orm/mysql';
import { answers, requireOrSkip } from './require-server.js';

/**
 * The MariaDB (or MySQL) server the store suites run against: `DECNET_TEST_MARIADB_URL` (a user
 * that may create `decnet_test_*` databases), default the one scripts/ensure-mariadb.sh creates.
 */
export const MARIADB_ADMIN_URL = process.env.DECNET_TEST_MARIADB_URL ?? 'mysql://decnet:decnet@127.0.0.1:3306/';

/** A knex client on `url` (mysql2), sized for a test; DATETIME read back as its text. */
export function mariadbClient(url: string): Knex {
  const u = new URL(url);
  return knex({
    client: 'mysql2',
    connection: {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1) || undefined,
      connectTimeout: 3000,
      dateStrings: true,
      charset: 'utf8mb4',
      multipleStatements: true,
    },
    pool: { min: 0, max: 4 },
  });
}

/** True when the server answers. */
export async function mariadbAnswers(url = MARIADB_ADMIN_URL): Promise<boolean> {
  return answers(mariadbClient(url));
}

/**
 * Whether the MariaDB suites run. In CI (DECNET_REQUIRE_DOCKER=1, or DECNET_REQUIRE_MARIADB=1)
 * a server that does not answer is an error, so the suites fail instead of skipping.
 */
export async function requireMariadbOrSkip(): Promise<boolean> {
  return requireOrSkip('MariaDB', 'DECNET_REQUIRE_MARIADB', MARIADB_ADMIN_URL, await mariadbAnswers());
}

/** Creates an empty utf8mb4 database with a unique name; returns its URL. */
export async function createMariadbDatabase(): Promise<string> {
  const name = `decnet_test_${randomBytes(6).toString('hex')}`;
  const admin = mariadbClient(MARIADB_ADMIN_URL);
  try {
    await admin.raw(`create database ${name} character set utf8mb4`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(MARIADB_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops databases made by createMariadbDatabase. */
export async function dropMariadbDatabases(urls: readonly string[]): Promise<void> {
  if (urls.length === 0) return;
  const admin = mariadbClient(MARIADB_ADMIN_URL);
  try {
    for (const u of urls) {
      const name = new URL(u).pathname.slice(1);
      if (/^decnet_test_[0-9a-f]{12}$/.test(name)) await admin.raw(`drop database if exists ${name}`);
    }
  } finally {
    await admin.destroy();
  }
}
