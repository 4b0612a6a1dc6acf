import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { growthMarkdown, growthPlot, growthScenario } from '../../bench/scenarios/growth.js';
import { scaleScenario } from '../../bench/scenarios/scale.js';

describe('bench scale scenario › a small run on the fake engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-bench-scale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('spawns every decky and persona actor, dispatches execs through the client path and reads the lag', async () => {
    const { result, growth } = await scaleScenario({
      sizes: [20],
      seconds: 1,
      dir,
      ratePerDeckyPerHour: 3_600,
      intervalMs: 100,
      personaMeanGapMs: 4 * 3_600_000,
      emailIntervalMs: 100,
      poolSize: 4,
      capacityDeckies: 8,
      capacitySeconds: 0.5,
      workerTimeoutMs: 30_000,
    });
    const row = growth[0]!;
    expect(row.deckies.startupMs).toBeGreaterThan(0);
    expect(row.deckies.actions).toBeGreaterThan(0);
    expect(row.deckies.failed).toBe(0);
    expect(row.deckies.lag.n).toBeGreaterThan(0);
    expect(row.deckies.lag.p99).toBeGreaterThanOrEqual(row.deckies.lag.p50);
    expect(row.personas.personas).toBe(20);
    expect(row.personas.emails).toBeGreaterThan(0);
    expect(row.personas.stopMs).toBeGreaterThan(0);
    const capacity = result.info.capacity as { daemon: { actions: number }; raw: { actions: number } };
    expect(capacity.daemon.actions).toBeGreaterThan(0);
    expect(capacity.raw.actions).toBe(capacity.daemon.actions);
    const names = result.figures.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['daemon throughput, saturated', 'dispatch lag p99, 20 deckies']));

    const g = growthScenario([row, { ...row, size: 40 }]);
    expect(g.figures.length).toBeGreaterThan(0);
    expect(growthMarkdown(g.info.points as never)).toMatch(/^\| actors/);
    expect(growthPlot(g.info.points as never)).toMatch(/^<svg[^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  }, 60_000);
});
