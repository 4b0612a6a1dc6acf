import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../../log/logger.port.js';
import { describeStoreTarget } from '../../store-target.js';
import { STORE_ENTITIES } from './entities/store.entities.js';
import { PG_MIGRATIONS } from './migrations/postgres/migrations.pg.list.js';

/** Connections per daemon; two workers per host and a handful of hosts stay far under max_connections. */
const PG_POOL_MAX = 10;

/**
 * Opens a PostgreSQL database with MikroORM and brings its schema up to date with the checked-in
 * PostgreSQL migrations. Several daemons on several hosts may open the same database at once:
 * a transaction-scoped advisory lock lets one migrate while the others wait, then find it done.
 */
export async function openPgOrm(url: string, logger: Logger): Promise<MikroORM> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities: STORE_ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: PG_MIGRATIONS, snapshot: false, silent: true, transactional: true, allOrNothing: true },
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    logger: (message) => logger.debug({ orm: message }, 'mikro-orm'),
    pool: { min: 0, max: PG_POOL_MAX },
    // knex would put every bound value of a failed statement into its message: attacker text.
    driverOptions: { compileSqlOnError: false },
  });
  try {
    const applied = await migrateUnderLock(orm);
    if (applied.length > 0) logger.info({ migrations: applied, db: describeStoreTarget(url) }, 'store migrated');
    return orm;
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

async function migrateUnderLock(orm: MikroORM): Promise<string[]> {
  const knex = orm.em.getConnection().getKnex();
  // the lock lives on this transaction's connection; the migrator runs on another one of the
  // pool and the lock is released when this transaction ends, whatever happened.
  return knex.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtext('decnet.store.migrations'))`);
    const done = await orm.getMigrator().up();
    return done.map((m) => m.name);
  });
}
