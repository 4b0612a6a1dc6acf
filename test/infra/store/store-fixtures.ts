import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from '@mikro-orm/postgresql';
import sqlite3 from 'sqlite3';
import type { EmailRecord } from '../../../src/domain/email-record.js';
import type { OrchestratorEvent } from '../../../src/domain/event.js';
import type { ObservedDecky } from '../../../src/domain/decky.js';
import { createMariadbDatabase, dropMariadbDatabases, mariadbClient, requireMariadbOrSkip } from '../../support/mariadb-server.js';
import { createTestDatabase, dropTestDatabases, pgClient, requirePostgresOrSkip } from '../../support/postgres-server.js';

/** A fresh temp directory per test file; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; dbPath: (name?: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-store-'));
  return {
    dir,
    dbPath: (name = `${randomUUID()}.sqlite`) => join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs SQL on the file with the raw driver: an outside view of what the store really wrote. */
export function sql<T = Record<string, unknown>>(dbPath: string, query: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, (err) => {
      if (err) return reject(err);
      db.all(query, params, (qErr, rows) => {
        db.close();
        if (qErr) reject(qErr);
        else resolve(rows as T[]);
      });
    });
  });
}

/** An event with sensible defaults. */
export function anEvent(over: Partial<OrchestratorEvent> = {}): OrchestratorEvent {
  return {
    uuid: randomUUID(),
    ts: new Date('2025-01-01T00:00:00.000Z'),
    kind: 'traffic',
    protocol: 'ssh',
    action: 'exec:tcp_connect:22',
    srcDeckyUuid: 'local:web01',
    dstDeckyUuid: 'local:web02',
    success: true,
    payload: { banner: 'SSH-2.0-OpenSSH_9.2p1' },
    ...over,
  };
}

/** A delivered email with sensible defaults. */
export function anEmail(over: Partial<EmailRecord> = {}): EmailRecord {
  const id = randomUUID().slice(0, 8);
  return {
    uuid: randomUUID(),
    ts: new Date('2025-01-01T09:00:00.000Z'),
    mailDeckyUuid: 'local:mail01',
    threadId: randomUUID(),
    messageId: `<${id}@corp.example>`,
    inReplyTo: null,
    senderEmail: 'ann@corp.example',
    recipientEmail: 'bob@corp.example',
    subject: 'Quarterly numbers',
    language: 'en',
    emlPath: `/var/spool/decnet-emails/t/${id}.eml`,
    success: true,
    payload: { stage: 'delivered' },
    ...over,
  };
}

/** What discovery would report for a running decky on the local host. */
export function observed(name: string, over: Partial<ObservedDecky> = {}): ObservedDecky {
  return { name, hostUuid: 'local', services: ['ssh'], ip: '172.20.0.10', running: true, ...over };
}

/** `n` seconds after a fixed instant: distinct, ordered timestamps on every dialect (MySQL keeps whole seconds). */
export function at(n: number): Date {
  return new Date(Date.UTC(2025, 0, 1) + n * 1000);
}

/** One SQL dialect the store suites run on. */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgresql' | 'mariadb';
  /** a fresh, empty database: a file path, a `postgresql://` or a `mysql://` URL, as DECNET_DB takes it */
  fresh(): Promise<string>;
  /** raw SQL (`?` placeholders) on a database `fresh` made: an outside view of what the store wrote */
  sql<T = Record<string, unknown>>(db: string, query: string, params?: unknown[]): Promise<T[]>;
  /** removes every database `fresh` made */
  cleanup(): Promise<void>;
}

/** A SQLite dialect over a fresh temp directory. */
export async function sqliteDialect(): Promise<StoreDialect> {
  const tmp = await tempDir();
  return { name: 'sqlite', fresh: async () => tmp.dbPath(), sql, cleanup: tmp.cleanup };
}

/** A PostgreSQL dialect: one new database per `fresh`, dropped at cleanup. */
export function postgresDialect(): StoreDialect {
  const made: string[] = [];
  const clients = new Map<string, Knex>();
  return {
    name: 'postgresql',
    async fresh() {
      const url = await createTestDatabase();
      made.push(url);
      return url;
    },
    async sql<T>(db: string, query: string, params: unknown[] = []) {
      let client = clients.get(db);
      if (!client) {
        client = pgClient(db);
        clients.set(db, client);
      }
      const res = (await client.raw(query, params as Knex.RawBinding[])) as { rows?: T[] };
      return res.rows ?? [];
    },
    async cleanup() {
      for (const c of clients.values()) await c.destroy();
      clients.clear();
      await dropTestDatabases(made.splice(0));
    },
  };
}

/** A MariaDB dialect: one new database per `fresh`, dropped at cleanup. */
export function mariadbDialect(): StoreDialect {
  const made: string[] = [];
  const clients = new Map<string, Knex>();
  return {
    name: 'mariadb',
    async fresh() {
      const url = await createMariadbDatabase();
      made.push(url);
      return url;
    },
    async sql<T>(db: string, query: string, params: unknown[] = []) {
      let client = clients.get(db);
      if (!client) {
        client = mariadbClient(db);
        clients.set(db, client);
      }
      const [rows] = (await client.raw(query, params as Knex.RawBinding[])) as unknown as [T[]];
      return Array.isArray(rows) ? rows : [];
    },
    async cleanup() {
      for (const c of clients.values()) await c.destroy();
      clients.clear();
      await dropMariadbDatabases(made.splice(0));
    },
  };
}

/**
 * The dialects this machine can run: SQLite always, PostgreSQL and MariaDB when their servers
 * answer (required under DECNET_REQUIRE_DOCKER=1). Use as
 * `describe.each(await storeDialects())('… on $name', …)`.
 */
export async function storeDialects(): Promise<StoreDialect[]> {
  const out = [await sqliteDialect()];
  if (await requirePostgresOrSkip()) out.push(postgresDialect());
  if (await requireMariadbOrSkip()) out.push(mariadbDialect());
  return out;
}
