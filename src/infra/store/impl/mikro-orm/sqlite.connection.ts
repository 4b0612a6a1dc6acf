import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/sqlite';
import type { Logger } from '../../../log/logger.port.js';
import { isBusy, withBusyRetry } from './busy-retry.js';
import { STORE_ENTITIES } from './entities/store.entities.js';
import { MIGRATIONS } from './migrations/migrations.list.js';

/**
 * How long one statement waits for another process's write lock before SQLITE_BUSY. Short on
 * purpose: the wait runs in a libuv pool thread, which the process joins when it exits, so a
 * statement stuck on a lock would hold a stop past its bound; writes retry it (withBusyRetry).
 */
const BUSY_TIMEOUT_MS = 1_000;

// busy_timeout first so the journal_mode switch itself waits for a concurrent opener.
const PRAGMAS = [
  `pragma busy_timeout = ${BUSY_TIMEOUT_MS}`,
  'pragma journal_mode = wal',
  'pragma synchronous = normal',
  'pragma foreign_keys = on',
].join('; ');

interface SqliteConn {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * Opens the SQLite file with MikroORM (WAL, busy timeout) and brings the schema up to date with
 * the checked-in migrations. The schema generator is never used at runtime.
 */
export async function openOrm(dbPath: string, logger: Logger): Promise<MikroORM> {
  if (dbPath !== ':memory:') await mkdir(dirname(dbPath), { recursive: true });
  // two processes opening a fresh file race to switch it to WAL and to migrate; the loser
  // gets SQLITE_BUSY without waiting, and a second attempt finds the work done.
  const { orm, applied } = await withBusyRetry(() => openAndMigrate(dbPath, logger));
  if (applied.length > 0) logger.info({ migrations: applied, dbPath }, 'store migrated');
  return orm;
}

async function openAndMigrate(dbPath: string, logger: Logger): Promise<{ orm: MikroORM; applied: string[] }> {
  const orm = await MikroORM.init({
    dbName: dbPath,
    entities: STORE_ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, snapshot: false, silent: true, transactional: true, allOrNothing: true },
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    logger: (message) => logger.debug({ orm: message }, 'mikro-orm'),
    pool: {
      afterCreate: (conn: SqliteConn, done: (err: Error | null, conn: SqliteConn) => void) => {
        conn.exec(PRAGMAS, (err) => done(err, conn));
      },
    },
  });
  try {
    return { orm, applied: await migrateOnce(orm) };
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

async function migrateOnce(orm: MikroORM): Promise<string[]> {
  try {
    const done = await orm.getMigrator().up();
    return done.map((m) => m.name);
  } catch (err) {
    // a concurrent opener committed the same migration first: retry sees it as executed.
    if (!isBusy(err) && /already exists/.test(String((err as Error).message))) {
      throw Object.assign(new Error('SQLITE_BUSY: concurrent migration'), { code: 'SQLITE_BUSY', cause: err });
    }
    throw err;
  }
}
