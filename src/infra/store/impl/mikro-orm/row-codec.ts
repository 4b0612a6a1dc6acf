import type { Knex } from '@mikro-orm/knex';
import type { Db } from './orm.types.js';

/** Splits a list into chunks; keeps every statement well under SQLite's 32,766 bound variables (PostgreSQL: 65,535). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Decodes a stored `services` value; anything but a JSON list of strings is unknown (null), SPEC §1.1. */
export function decodeServices(raw: unknown): string[] | null {
  if (typeof raw !== 'string') return null;
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) && value.every((s) => typeof s === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** Decodes a stored payload; a row someone corrupted by hand reads as an empty object, not a crash. */
export function decodePayload(raw: unknown): Record<string, unknown> {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** SQLite booleans are 0/1 integers; PostgreSQL reads '1'/'0' into a boolean column as well. */
export function toDbBool(b: boolean): number {
  return b ? 1 : 0;
}

/** A stored boolean: 0/1 from SQLite, true/false from PostgreSQL. */
export function fromDbBool(v: unknown): boolean {
  return v === true || v === 1;
}

/** The SQL dialect knex speaks on `db`. */
type SqlDialect = 'sqlite' | 'postgresql' | 'mysql';

/** Which dialect `db` speaks (a transaction answers as its connection does). */
export function dialectOf(db: Db): SqlDialect {
  const d = String((db.client as { dialect?: string }).dialect);
  return d === 'sqlite3' ? 'sqlite' : d === 'postgresql' ? 'postgresql' : 'mysql';
}

/**
 * An upsert clause written once, as SQLite and PostgreSQL take it (`on conflict (…) do update set`,
 * `excluded.col`), in `db`'s dialect: MySQL's `on duplicate key update`, `values(col)`. MySQL
 * applies the assignments left to right, so one may read a column only an earlier one left alone.
 */
export function upsertSql(db: Db, clause: string): string {
  if (dialectOf(db) !== 'mysql') return clause;
  return clause.replace(/^\s*on conflict \([^)]*\) do update set/i, 'on duplicate key update').replace(/\bexcluded\.(\w+)/g, 'values($1)');
}

/** The rows of `db.raw(select …)`: SQLite's knex answers an array, PostgreSQL's a result with `rows`, MySQL's `[rows, fields]`. */
export async function rawRows<T>(db: Db, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const res = (await db.raw(sql, bindings as Knex.RawBinding[])) as unknown;
  if (Array.isArray(res) && Array.isArray(res[0])) return res[0] as T[];
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Multi-row `INSERT ... VALUES (...), (...)` with bound parameters. Knex's SQLite builder emits
 * `SELECT ... UNION ALL` instead, which SQLite caps at 500 terms; VALUES lists have no such cap.
 * Table, column names and `suffix` (an ON CONFLICT clause, see upsertSql) are code constants, never data.
 */
export async function insertValues(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = `insert into ${table} (${columns.join(', ')}) values ${rows.map(() => tuple).join(', ')} ${upsertSql(db, suffix)}`;
  await db.raw(sql, rows.flat() as Knex.RawBinding[]);
}
