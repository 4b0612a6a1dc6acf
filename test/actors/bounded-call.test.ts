import { describe, expect, it } from 'vitest';
import { boundedSingleFlight, StoreTimeoutError } from '../../src/actors/bounded-call.js';

function gate<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('boundedSingleFlight', () => {
  it('answers with the call when it is quick', async () => {
    const call = boundedSingleFlight(async () => 42, 100, 'the read');
    await expect(call()).resolves.toBe(42);
  });

  it('rejects with a retryable timeout naming the call, while the call carries on', async () => {
    const g = gate<number>();
    let calls = 0;
    const call = boundedSingleFlight(
      () => {
        calls += 1;
        return g.promise;
      },
      30,
      'the inventory read',
    );
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreTimeoutError);
    expect(err).toMatchObject({ retryable: true, message: expect.stringContaining('the inventory read did not answer within 30 ms') });
    // a second caller while the first call is still running waits on it instead of queueing another
    const second = call();
    g.resolve(7);
    await expect(second).resolves.toBe(7);
    expect(calls).toBe(1);
    // once it settled, the next caller starts a fresh call
    await call();
    expect(calls).toBe(2);
  });

  it('fails later callers at once while a call is already past its bound, so ticks keep their pace', async () => {
    const g = gate<number>();
    const call = boundedSingleFlight(() => g.promise, 600, 'the read');
    await expect(call()).rejects.toBeInstanceOf(StoreTimeoutError);
    const t0 = Date.now();
    await expect(call()).rejects.toBeInstanceOf(StoreTimeoutError);
    // at once, not after another 600 ms bound (the margin absorbs a busy CI machine)
    expect(Date.now() - t0).toBeLessThan(300);
    g.resolve(1);
  });

  it('passes a rejection of the call through', async () => {
    const call = boundedSingleFlight(
      async () => {
        throw new Error('SQLITE_CORRUPT');
      },
      100,
      'the read',
    );
    await expect(call()).rejects.toThrow('SQLITE_CORRUPT');
  });
});
