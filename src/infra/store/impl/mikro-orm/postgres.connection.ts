import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../../log/logger.port.js';
import { describeStoreTarget } from '../../store-target.js';
import { STORE_ENTITIES } from './entities/store.entities.js';
import { PG_MIGRATIONS } from './migrations/postgres/migrations.pg.list.js';
import { prepareSchema, type PreparedSchema } from './schema/migrate.js';

// timestamps: MikroORM's connection answers `timestamp without time zone` as its text (naive
// UTC), which the DECNET codec reads; node-postgres alone would read it in the local zone.

/** Connections per daemon; two workers per host and a handful of hosts stay far under max_connections. */
const PG_POOL_MAX = 10;

/**
 * Opens a PostgreSQL database with MikroORM and brings its schema up to date: DECNET's shape for
 * the shared tables, the project's own tables beside them, an earlier version's database reshaped
 * in place. Several daemons on several hosts may open the same database at once: a
 * transaction-scoped advisory lock lets one migrate while the others wait, then find it done.
 */
export async function openPgOrm(url: string, logger: Logger): Promise<{ orm: MikroORM; schema: PreparedSchema }> {
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
    const schema = await migrateUnderLock(orm);
    if (schema.applied.length > 0)
      logger.info({ migrations: schema.applied, db: describeStoreTarget(url), owner: schema.owner }, 'store migrated');
    return { orm, schema };
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

async function migrateUnderLock(orm: MikroORM): Promise<PreparedSchema> {
  const knex = orm.em.getConnection().getKnex();
  // the lock lives on this transaction's connection; the earlier schema's migrator runs on another
  // one of the pool and the lock is released when this transaction ends, whatever happened.
  return knex.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtext('decnet.store.migrations'))`);
    return prepareSchema(trx, 'postgresql', async () => (await orm.getMigrator().up()).map((m) => m.name));
  });
}
