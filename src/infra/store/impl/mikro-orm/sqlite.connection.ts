import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/sqlite';
import type { Logger } from '../../../log/logger.port.js';
import { isBusy, withBusyRetry } from './busy-retry.js';
import { STORE_ENTITIES } from './entities/store.entities.js';
import { MIGRATIONS } from './migrations/migrations.list.js';
import { knexOf } from './orm.types.js';
import { prepareSchema, type PreparedSchema } from './schema/migrate.js';

/**
 * How long one statement waits for another process's write lock before SQLITE_BUSY. Short on
 * purpose: the wait runs in a libuv pool thread, which the process joins when it exits, so a
 * statement stuck on a lock would hold a stop past its bound; writes retry it (withBusyRetry).
 */
const BUSY_TIMEOUT_MS = 1_000;

// busy_timeout first so the journal_mode switch itself waits for a concurrent opener. Foreign
// keys are declared as DECNET declares them and, as in DECNET, not enforced: a shard of an
// engine discovery found before anyone registered it is still recorded.
const PRAGMAS = [
  `pragma busy_timeout = ${BUSY_TIMEOUT_MS}`,
  'pragma journal_mode = wal',
  'pragma synchronous = normal',
  'pragma foreign_keys = off',
].join('; ');

interface SqliteConn {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * Opens the SQLite file with MikroORM (WAL, busy timeout), decides who owns it (DECNET's
 * alembic_version, or this project) and brings the project's part of the schema up to date.
 * The schema generator is never used at runtime.
 */
export async function openOrm(dbPath: string, logger: Logger): Promise<{ orm: MikroORM; schema: PreparedSchema }> {
  // refuse before creating anything: a typo in DECNET_DB must not leave an empty file behind
  // that the next start takes for a fresh database.
  if (dbPath !== ':memory:') await mkdir(dirname(dbPath), { recursive: true });
  // two processes opening a fresh file race to switch it to WAL and to migrate; the loser
  // gets SQLITE_BUSY without waiting, and a second attempt finds the work done.
  const { orm, schema } = await withBusyRetry(() => openAndMigrate(dbPath, logger));
  if (schema.applied.length > 0) logger.info({ migrations: schema.applied, dbPath, owner: schema.owner }, 'store migrated');
  return { orm, schema };
}

async function openAndMigrate(dbPath: string, logger: Logger): Promise<{ orm: MikroORM; schema: PreparedSchema }> {
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
    // MikroORM turns foreign keys on when it connects; the pool's later connections get PRAGMAS.
    await knexOf(orm).raw('pragma foreign_keys = off');
    return { orm, schema: await migrateOnce(orm) };
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

// the earlier schema's MikroORM migrations run only on a database that has their table, to bring
// it to their last step before the reshape into DECNET's shape.
async function migrateOnce(orm: MikroORM): Promise<PreparedSchema> {
  try {
    return await prepareSchema(knexOf(orm), 'sqlite', async () => (await orm.getMigrator().up()).map((m) => m.name));
  } catch (err) {
    // a concurrent opener committed the same migration first: retry sees it as executed.
    if (!isBusy(err) && /already exists/.test(String((err as Error).message))) {
      throw Object.assign(new Error('SQLITE_BUSY: concurrent migration'), { code: 'SQLITE_BUSY', cause: err });
    }
    throw err;
  }
}
