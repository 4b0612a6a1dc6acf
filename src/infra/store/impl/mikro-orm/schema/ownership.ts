import { StoreOwnershipError } from '../../../store-errors.js';
import type { Db } from '../orm.types.js';
import { rawRows } from '../row-codec.js';
import { type Dialect, SHARED_TABLES } from './shared-tables.js';

export type { StoreOwner } from '../../../store.port.js';

/** DECNET alembic revisions whose shared tables this orchestrator knows (1.2.1's baseline). */
const KNOWN_DECNET_REVISIONS: readonly string[] = ['4a914b1d62a0'];

/** Every table of the database (SQLite: main; PostgreSQL: the current schema; MySQL: the current database). */
export async function listTables(db: Db, dialect: Dialect): Promise<Set<string>> {
  const schema = dialect === 'mysql' ? 'database()' : 'current_schema()';
  const query =
    dialect === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
      : `select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE'`;
  return new Set((await rawRows<{ name: string }>(db, query)).map((r) => r.name));
}

async function columnsOf(db: Db, dialect: Dialect, table: string): Promise<Set<string>> {
  const rows =
    dialect === 'sqlite'
      ? await rawRows<{ name: string }>(db, 'select name from pragma_table_info(?)', [table])
      : await rawRows<{ name: string }>(
          db,
          `select column_name as name from information_schema.columns where table_schema = ${dialect === 'mysql' ? 'database()' : 'current_schema()'} and table_name = ?`,
          [table],
        );
  return new Set(rows.map((r) => r.name));
}

/**
 * Checks, reading only, that DECNET's database is one this orchestrator can live on: a known
 * alembic revision and every table and column it reads or writes. Throws one
 * StoreOwnershipError naming the revision, or the table and column, otherwise.
 */
export async function checkDecnetSchema(db: Db, dialect: Dialect, tables: Set<string>): Promise<string> {
  const revisions = (await rawRows<{ version_num: string }>(db, 'select version_num from alembic_version')).map((r) =>
    String(r.version_num),
  );
  const known = KNOWN_DECNET_REVISIONS.join(', ');
  if (revisions.length !== 1 || !KNOWN_DECNET_REVISIONS.includes(revisions[0]!)) {
    const at = revisions.length === 0 ? 'no revision' : `revision ${revisions.join(', ')}`;
    throw new StoreOwnershipError(`DECNET database at alembic ${at}; this orchestrator knows ${known}: nothing written`);
  }
  const revision = revisions[0]!;
  for (const t of SHARED_TABLES) {
    if (t.needed.length === 0) continue;
    if (!tables.has(t.name)) throw new StoreOwnershipError(`DECNET database (alembic ${revision}) has no table ${t.name}: nothing written`);
    const have = await columnsOf(db, dialect, t.name);
    const missing = t.needed.find((c) => !have.has(c));
    if (missing !== undefined) {
      throw new StoreOwnershipError(`DECNET database (alembic ${revision}): table ${t.name} has no column ${missing}: nothing written`);
    }
  }
  return revision;
}
