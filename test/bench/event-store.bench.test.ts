import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventStoreScenario } from '../../bench/scenarios/event-store.js';

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
  }, 30_000);
});
