import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/mysql';
import type { Logger } from '../../../log/logger.port.js';
import { describeStoreTarget } from '../../store-target.js';
import { STORE_ENTITIES } from './entities/store.entities.js';
import type { Db } from './orm.types.js';
import { prepareSchema, type PreparedSchema } from './schema/migrate.js';
import { StoreOwnershipError } from '../../store-errors.js';

// dates: MikroORM's MySQL connection answers DATETIME as its text (dateStrings), naive UTC the
// DECNET codec reads; mysql2 alone would read it in the process's local zone.

/** Connections per daemon; at least two: one holds the schema lock while another migrates. */
const MYSQL_POOL_MAX = 10;
/** DECNET's own lock name (`web/db/migrate.py`): DECNET upgrading and this daemon checking or migrating never overlap. */
const SCHEMA_LOCK = 'decnet_schema_init';
// server-wide, like DECNET's: openers of other databases on the same server wait their turn too
const SCHEMA_LOCK_WAIT_S = 60;

/**
 * Opens a MySQL/MariaDB database with MikroORM (mysql2, utf8mb4) and brings the project's part of
 * its schema up to date under DECNET's `GET_LOCK('decnet_schema_init')`: daemons (and DECNET)
 * starting together migrate once, the others wait and find it done. MySQL has no database of an
 * earlier version of this project: its old MikroORM migrations never ran there.
 */
export async function openMysqlOrm(url: string, logger: Logger): Promise<{ orm: MikroORM; schema: PreparedSchema }> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities: STORE_ENTITIES,
    extensions: [Migrator],
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
    logger: (message) => logger.debug({ orm: message }, 'mikro-orm'),
    pool: { min: 0, max: MYSQL_POOL_MAX },
    // knex would put every bound value of a failed statement into its message: attacker text.
    driverOptions: { compileSqlOnError: false, connection: { charset: 'utf8mb4' } },
  });
  try {
    const schema = await migrateUnderLock(orm.em.getConnection().getKnex());
    if (schema.applied.length > 0)
      logger.info({ migrations: schema.applied, db: describeStoreTarget(url), owner: schema.owner }, 'store migrated');
    return { orm, schema };
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

// GET_LOCK belongs to a session: one pooled connection holds it while the migration runs on
// others (MySQL commits DDL implicitly, so it cannot share one transaction with the lock).
async function migrateUnderLock(knex: Db): Promise<PreparedSchema> {
  const client = knex.client as unknown as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    const [rows] = (await knex.raw('select get_lock(?, ?) as got', [SCHEMA_LOCK, SCHEMA_LOCK_WAIT_S]).connection(conn)) as unknown as [
      { got: number | null }[],
    ];
    if (Number(rows[0]?.got) !== 1) throw new Error(`schema lock ${SCHEMA_LOCK} not granted within ${SCHEMA_LOCK_WAIT_S}s`);
    try {
      return await prepareSchema(knex, 'mysql', async () => {
        throw new StoreOwnershipError(
          'database has mikro_orm_migrations: an earlier schema of this orchestrator never ran on MySQL; nothing written',
        );
      });
    } finally {
      await knex.raw('select release_lock(?)', [SCHEMA_LOCK]).connection(conn);
    }
  } finally {
    await client.releaseConnection(conn);
  }
}
