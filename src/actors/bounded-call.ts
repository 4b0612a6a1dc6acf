/** A store call that did not answer within its bound; the call itself carries on in the background. */
export class StoreTimeoutError extends Error {
  readonly code = 'STORE_TIMEOUT';
  readonly retryable = true;
}

/**
 * Wraps a store call so that the schedule never waits on it longer than `timeoutMs`: SQLite
 * serialises a process's queries on one connection, so a write waiting out another process's
 * lock would otherwise stall every tick behind it. Calls are single-flight: while one is still
 * running, later callers wait on that same call, for what is left of its bound (nothing once it
 * is past), instead of queueing more.
 */
export function boundedSingleFlight<T>(fn: () => Promise<T>, timeoutMs: number, what: string): (signal?: AbortSignal) => Promise<T> {
  let inFlight: Promise<T> | null = null;
  let startedAt = 0;
  return (signal) => {
    if (!inFlight) {
      const started = fn();
      inFlight = started;
      startedAt = Date.now();
      const clear = () => {
        if (inFlight === started) inFlight = null;
      };
      started.then(clear, clear);
    }
    const call = inFlight;
    const wait = Math.max(0, startedAt + timeoutMs - Date.now());
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        reject(new StoreTimeoutError(`${what} did not answer within ${timeoutMs} ms (database locked or busy?)`));
      }, wait);
      // a stopped actor must not keep the process alive until the bound
      const onAbort = () => clearTimeout(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      call.then(
        (v) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  };
}
