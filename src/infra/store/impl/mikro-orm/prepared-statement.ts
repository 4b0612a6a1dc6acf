import type { Db } from './orm.types.js';

// the parts of the sqlite3 package's Database and Statement this file uses
interface RawStatement {
  run(params: unknown[], cb: (err: Error | null) => void): unknown;
  finalize(cb?: (err: Error | null) => void): unknown;
}
interface RawConnection {
  prepare(sql: string): RawStatement;
  close(cb?: (err: Error | null) => void): unknown;
}
interface PooledClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(conn: RawConnection): Promise<void>;
}

const cached = new WeakMap<RawConnection, Map<string, RawStatement>>();

/**
 * Runs `sql` (a code constant; values only through `params`, never in the text) as a statement
 * prepared once per SQLite connection and reused. It holds the pool's connection while it runs,
 * so it never interleaves with knex queries or transactions on the same connection.
 */
export async function runPrepared(db: Db, sql: string, params: unknown[]): Promise<void> {
  const client = db.client as unknown as PooledClient;
  const conn = await client.acquireConnection();
  try {
    const stmt = statementFor(conn, sql);
    await new Promise<void>((resolve, reject) =>
      stmt.run(params, (err) => {
        if (!err) return resolve();
        // a statement whose prepare failed stays failed: prepare afresh next time
        forget(conn, sql);
        reject(err);
      }),
    );
  } finally {
    await client.releaseConnection(conn);
  }
}

function statementFor(conn: RawConnection, sql: string): RawStatement {
  let mine = cached.get(conn);
  if (!mine) {
    mine = new Map();
    cached.set(conn, mine);
    finalizeBeforeClose(conn, mine);
  }
  let stmt = mine.get(sql);
  if (!stmt) {
    stmt = conn.prepare(sql);
    mine.set(sql, stmt);
  }
  return stmt;
}

function forget(conn: RawConnection, sql: string): void {
  const stmt = cached.get(conn)?.get(sql);
  if (!stmt) return;
  cached.get(conn)?.delete(sql);
  stmt.finalize();
}

// sqlite3_close refuses a connection with unfinalized statements (SQLITE_BUSY), and the pool
// closes connections itself (store close, pool eviction): finalize ours first, then close.
function finalizeBeforeClose(conn: RawConnection, mine: Map<string, RawStatement>): void {
  const close = conn.close;
  conn.close = (cb) => {
    conn.close = close;
    cached.delete(conn);
    const stmts = [...mine.values()];
    mine.clear();
    let left = stmts.length;
    const closeNow = () => close.call(conn, cb);
    if (left === 0) return closeNow();
    for (const s of stmts) {
      s.finalize(() => {
        left -= 1;
        if (left === 0) closeNow();
      });
    }
  };
}
