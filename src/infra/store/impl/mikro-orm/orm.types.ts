import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, Knex, SqlEntityManager } from '@mikro-orm/knex';

/** The MikroORM instance this store runs on: SQLite, PostgreSQL or MySQL, all knex-based SQL drivers. */
export type SqlOrm = MikroORM<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>;

/** Knex, as MikroORM exposes it: the query builder for hot paths and bulk statements. */
export type Db = Knex;

/** Knex bound to the ORM's single connection pool. */
export function knexOf(orm: SqlOrm): Db {
  return orm.em.getConnection().getKnex();
}
