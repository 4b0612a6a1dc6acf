import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventStoreScenario } from '../../bench/scenarios/event-store.js';
import { MARIADB_ADMIN_URL, requireMariadbOrSkip } from '../support/mariadb-server.js';

const mariadb = await requireMariadbOrSkip();

describe('bench event-store scenario › a short run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-bench-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes through the event-writer actor and through raw sqlite3 (bound values and json_each), prunes all, and compares them', async () => {
    const r = await eventStoreScenario({ seconds: 0.6, dir, destinations: 4, keep: 100, pruneEveryRows: 400, batch: 100, rounds: 2 });
    type Numbers = { events: number; prunes: number; pruned: number };
    const info = r.info as { writer: Numbers; raw: Numbers; rawJson: Numbers };
    expect(info.writer.events).toBeGreaterThan(400);
    expect(info.raw.events).toBeGreaterThan(400);
    expect(info.rawJson.events).toBeGreaterThan(400);
    expect(info.rawJson.pruned).toBeGreaterThan(0);
    expect(info.writer.prunes).toBeGreaterThan(0);
    expect(info.raw.pruned).toBeGreaterThan(0);
    expect(r.figures[0]!.ratio).toBeGreaterThan(0);
    expect(r.figures.some((f) => f.name.startsWith('MariaDB'))).toBe(false);
  }, 30_000);

  it.runIf(mariadb)(
    'runs the writer and a raw mysql2 batch side by side on MariaDB, both pruning',
    async () => {
      const r = await eventStoreScenario({
        seconds: 0.6,
        dir,
        destinations: 4,
        keep: 100,
        pruneEveryRows: 400,
        batch: 100,
        rounds: 2,
        mariadbUrl: MARIADB_ADMIN_URL,
      });
      type Numbers = { events: number; prunes: number; pruned: number };
      const maria = (r.info as { mariadb: { writer: Numbers; raw: Numbers } }).mariadb;
      expect(maria.writer.events).toBeGreaterThan(400);
      expect(maria.raw.events).toBeGreaterThan(400);
      expect(maria.writer.prunes).toBeGreaterThan(0);
      expect(maria.raw.pruned).toBeGreaterThan(0);
      expect(r.figures.find((f) => f.name === 'MariaDB writer throughput')!.ratio).toBeGreaterThan(0);
    },
    60_000,
  );
});
