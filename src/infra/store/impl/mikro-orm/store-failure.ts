import { StoreError, StoreOwnershipError, StoreQueryError } from '../../store-errors.js';
import { isBusy } from './busy-retry.js';
import { errText } from '../../../../domain/err-text.js';

const MAX_DETAIL = 200;

/**
 * Runs one store operation and turns driver failures into a short StoreError. Knex puts the whole
 * SQL with every bound value into its messages: for a batch that is megabytes of
 * attacker-influenced text (banners, stderr) in one log line.
 */
export async function guarded<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StoreQueryError || err instanceof StoreError || err instanceof StoreOwnershipError) throw err;
    throw new StoreError(`${op} failed: ${conciseMessage(err)}`, isBusy(err), { cause: err });
  }
}

/** The driver's own words without knex's SQL prefix, bounded. */
function conciseMessage(err: unknown): string {
  const message = errText(err);
  const code = (err as { code?: unknown }).code;
  // knex formats `<sql> - <driver message>`; SQLite's message starts with its code, PostgreSQL's
  // (a SQLSTATE such as 23505 on the error, not in the text) follows the last separator.
  const at = typeof code === 'string' ? message.lastIndexOf(`${code}:`) : -1;
  const sep = message.lastIndexOf(' - ');
  const pg = isPgError(err) || isMysqlError(err) ? `${String(code)}: ${sep >= 0 ? message.slice(sep + 3) : message}` : undefined;
  const detail = at >= 0 ? message.slice(at) : (pg ?? message);
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail;
}

// mysql2 errors carry the server's errno beside a SQLSTATE and a code such as ER_DUP_ENTRY.
function isMysqlError(err: unknown): boolean {
  const e = err as { errno?: unknown; sqlState?: unknown };
  return typeof e?.errno === 'number' && typeof e.sqlState === 'string';
}

// node-postgres errors carry the server's severity beside a five-character SQLSTATE code.
function isPgError(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown };
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}
