import { describe, expect, it } from 'vitest';
import { isBusy, withBusyRetry } from '../../../../../src/infra/store/impl/mikro-orm/busy-retry.js';

const busy = () => Object.assign(new Error('insert into x - SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });

describe('withBusyRetry', () => {
  it('runs the operation again after SQLITE_BUSY and returns its result', async () => {
    let calls = 0;
    const result = await withBusyRetry(
      async () => {
        calls++;
        if (calls < 3) throw busy();
        return 'done';
      },
      { baseDelayMs: 1 },
    );
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      withBusyRetry(async () => {
        calls++;
        throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed');
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(calls).toBe(1);
  });

  it('gives up after the last attempt with the busy error', async () => {
    let calls = 0;
    await expect(
      withBusyRetry(
        async () => {
          calls++;
          throw busy();
        },
        { attempts: 4, baseDelayMs: 1 },
      ),
    ).rejects.toThrow(/SQLITE_BUSY/);
    expect(calls).toBe(4);
  });

  it('retries PostgreSQL deadlocks and serialization failures, not constraint violations', () => {
    const pg = (code: string) => Object.assign(new Error('delete from x - deadlock detected'), { code, severity: 'ERROR' });
    expect(isBusy(pg('40P01'))).toBe(true);
    expect(isBusy(new Error('prune failed', { cause: pg('40001') }))).toBe(true);
    expect(isBusy(pg('23505'))).toBe(false);
  });

  it('recognises a busy error wrapped as a cause', () => {
    expect(isBusy(new Error('transaction failed', { cause: busy() }))).toBe(true);
    expect(isBusy(new Error('no such table: x'))).toBe(false);
  });
});
