/** Options for {@link withBusyRetry}; defaults suit two processes sharing one WAL file. */
interface BusyRetryOptions {
  attempts?: number;
  baseDelayMs?: number;
}

/**
 * SQLite answers SQLITE_BUSY without waiting when a transaction that read first wants to write
 * after another process committed (its snapshot is stale); busy_timeout cannot help there.
 * The transaction was rolled back whole, so running it again is safe.
 */
export async function withBusyRetry<T>(fn: () => Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 8;
  const base = opts.baseDelayMs ?? 20;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isBusy(err)) throw err;
      // jitter keeps two retrying processes from colliding again in lockstep.
      await sleep(base * 2 ** (i - 1) * (0.5 + Math.random()));
    }
  }
}

// PostgreSQL rolls a transaction back whole for these, and says running it again is the cure.
const PG_RETRYABLE = new Set(['40001', '40P01']);
// MySQL/MariaDB: deadlock (rolled back whole) and lock wait timeout (the statement only; knex
// then rolls the transaction back, and withBusyRetry runs all of it again).
const MYSQL_RETRYABLE = new Set([1213, 1205]);

/**
 * True for "database is locked" / SQLITE_BUSY, a PostgreSQL serialization failure or deadlock
 * (two daemons pruning one table), or a MySQL deadlock or lock wait timeout, however deeply the
 * driver wrapped it.
 */
export function isBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'SQLITE_BUSY' || (typeof message === 'string' && /SQLITE_BUSY|database is locked/.test(message))) {
      return true;
    }
    if (typeof code === 'string' && PG_RETRYABLE.has(code)) return true;
    const errno = (e as { errno?: unknown }).errno;
    if (typeof errno === 'number' && MYSQL_RETRYABLE.has(errno) && typeof (e as { sqlState?: unknown }).sqlState === 'string') return true;
    e = (e as { cause?: unknown }).cause ?? (e as { previous?: unknown }).previous;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
