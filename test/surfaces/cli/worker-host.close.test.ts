import { describe, expect, it } from 'vitest';
import { closeStoreWithin } from '../../../src/surfaces/cli/worker-host.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';

function recordingLogger() {
  const logs: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    logs.push({ level, obj: obj as Record<string, unknown>, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logs, logger };
}

describe('worker host › closing the store at stop', () => {
  it('returns once the store closed, saying nothing', async () => {
    const { logs, logger } = recordingLogger();
    await closeStoreWithin(Promise.resolve(), 1_000, logger);
    expect(logs).toEqual([]);
  });

  it('gives up after the bound when a write still waits on a lock, and says so once', async () => {
    const { logs, logger } = recordingLogger();
    const t0 = Date.now();
    await closeStoreWithin(new Promise<void>(() => {}), 100, logger);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(2_000);
    expect(logs).toEqual([
      { level: 'warn', msg: 'store did not close in time (a write is waiting on a lock); exiting without it', obj: { waitedMs: 100 } },
    ]);
  });

  it('reports a failing close as a warning instead of throwing out of the stop', async () => {
    const { logs, logger } = recordingLogger();
    await closeStoreWithin(Promise.reject(new Error('SQLITE_IOERR')), 1_000, logger);
    expect(logs).toEqual([{ level: 'warn', msg: 'store close failed', obj: { err: 'SQLITE_IOERR' } }]);
  });
});
