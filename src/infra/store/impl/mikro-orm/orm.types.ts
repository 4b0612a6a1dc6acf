import type { MikroORM } from '@mikro-orm/core';
import type { Knex, SqlEntityManager, SqliteDriver } from '@mikro-orm/sqlite';

/** The MikroORM instance this store runs on. */
export type SqliteOrm = MikroORM<SqliteDriver, SqlEntityManager<SqliteDriver>>;

/** Knex, as MikroORM exposes it: the query builder for hot paths and bulk statements. */
export type Db = Knex;

/** Knex bound to the ORM's single connection pool. */
export function knexOf(orm: SqliteOrm): Db {
  return orm.em.getConnection().getKnex();
}
