import { StoreOwnershipError } from '../../../store-errors.js';
import { toDecnetTime } from '../../../decnet-format.js';
import type { Db } from '../orm.types.js';
import { LEGACY_TABLES, reshapeLegacy } from './legacy-upgrade.js';
import type { StoreOwner } from '../../../store.port.js';
import { checkDecnetSchema, listTables } from './ownership.js';
import { OWN_TABLES, ownIndexes } from './own-tables.js';
import { createTableSql, type Dialect, SHARED_TABLES } from './shared-tables.js';

/** The project's migrations table: never DECNET's `alembic_version`. */
const MIGRATIONS_TABLE = 'orch_migrations';

/** One step of the project's schema; `up` runs inside the transaction that records it. */
interface SchemaMigration {
  name: string;
  up(trx: Db, d: Dialect, legacy: boolean): Promise<void>;
}

async function run(trx: Db, statements: string[]): Promise<void> {
  for (const sql of statements) await trx.raw(sql);
}

/** Migrations of the project's own tables: run in both owners' databases. */
export const OWN_MIGRATIONS: readonly SchemaMigration[] = [
  {
    name: 'orch-0001-own-tables',
    up: (trx, d) =>
      run(
        trx,
        OWN_TABLES.flatMap((t) => createTableSql(t, d)),
      ),
  },
];

/** Migrations of the shared tables: only in a database this project owns. */
export const SHARED_MIGRATIONS: readonly SchemaMigration[] = [
  {
    name: 'decnet-0001-shared-tables',
    up: (trx, d, legacy) =>
      legacy ? reshapeLegacy(trx, d) : run(trx, [...SHARED_TABLES.flatMap((t) => createTableSql(t, d)), ...ownIndexes(d)]),
  },
];

/** What `prepareSchema` found and did. */
export interface PreparedSchema {
  owner: StoreOwner;
  /** DECNET's alembic revision, when DECNET owns the database */
  revision?: string;
  applied: string[];
}

/**
 * Decides who owns the database and brings the project's part of it up to date. DECNET's
 * (alembic_version present): checked read-only first, then only the project's own tables are
 * migrated. Else the project's: an earlier version's database (mikro_orm_migrations) is first
 * brought to its last migration by `legacyUp`, then reshaped in place; a fresh one gets the
 * shared tables in DECNET's shape. Shared tables with no owner's record are a stranger's: refused.
 */
export async function prepareSchema(db: Db, d: Dialect, legacyUp: () => Promise<string[]>): Promise<PreparedSchema> {
  const tables = await listTables(db, d);
  if (tables.has('alembic_version')) {
    const revision = await checkDecnetSchema(db, d, tables);
    return { owner: 'decnet', revision, applied: await apply(db, d, OWN_MIGRATIONS, false) };
  }
  const legacy = tables.has('mikro_orm_migrations');
  const applied = legacy ? await legacyUp() : [];
  if (!legacy && !(await recorded(db, tables)).has(SHARED_MIGRATIONS[0]!.name)) {
    const stranger = [...SHARED_TABLES.map((t) => t.name), ...LEGACY_TABLES].find((n) => tables.has(n));
    if (stranger !== undefined) {
      throw new StoreOwnershipError(
        `database has a ${stranger} table but neither DECNET's alembic_version nor this orchestrator's migrations: nothing written`,
      );
    }
  }
  applied.push(...(await apply(db, d, [...OWN_MIGRATIONS, ...SHARED_MIGRATIONS], legacy)));
  return { owner: 'project', applied };
}

async function recorded(db: Db, tables: Set<string>): Promise<Set<string>> {
  if (!tables.has(MIGRATIONS_TABLE)) return new Set();
  return new Set(((await db(MIGRATIONS_TABLE).select('name')) as { name: string }[]).map((r) => r.name));
}

// one transaction per migration; the record is re-read inside it, so a concurrent opener that
// committed it first makes this one a no-op (SQLite: or a busy error, retried whole by the caller).
async function apply(db: Db, d: Dialect, list: readonly SchemaMigration[], legacy: boolean): Promise<string[]> {
  const ts = d === 'postgresql' ? 'timestamp(6) without time zone' : 'DATETIME';
  await db.raw(`create table if not exists ${MIGRATIONS_TABLE} (name varchar(128) not null primary key, applied_at ${ts} not null)`);
  const done: string[] = [];
  for (const m of list) {
    const ran = await db.transaction(async (trx) => {
      if ((await trx(MIGRATIONS_TABLE).where({ name: m.name }).first('name')) !== undefined) return false;
      await m.up(trx, d, legacy);
      await trx(MIGRATIONS_TABLE).insert({ name: m.name, applied_at: toDecnetTime(new Date()) });
      return true;
    });
    if (ran) done.push(m.name);
  }
  return done;
}
