import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emailScenario } from '../../bench/scenarios/email.js';
import { execPathScenario } from '../../bench/scenarios/exec-path.js';
import { hasDocker } from '../support/docker-available.js';

describe.runIf(hasDocker)('bench scenarios on the real engine › short runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-bench-exec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the daemon, the port, raw dockerode and the docker CLI on the same execs', async () => {
    const r = await execPathScenario({ deckies: 2, seconds: 0.7, dir });
    expect(r.skipped).toBeUndefined();
    const info = r.info as Record<'daemon' | 'port' | 'raw' | 'cli', { actions: number; failed: number; cpuMsPerAction: number }>;
    expect(info.daemon.actions).toBeGreaterThan(0);
    for (const v of ['port', 'raw', 'cli'] as const) {
      expect(info[v].actions).toBe(info.daemon.actions);
      expect(info[v].failed).toBe(0);
    }
    // a docker CLI process costs its own CPU, which the loop counts
    expect(info.cli.cpuMsPerAction).toBeGreaterThan(info.raw.cpuMsPerAction);
  }, 60_000);

  it('delivers emails through the emailgen worker with a loopback LLM and replays them raw', async () => {
    const r = await emailScenario({ mailDeckies: 1, personas: 2, seconds: 0.5, dir, rawCeiling: 10 });
    expect(r.skipped).toBeUndefined();
    const info = r.info as { emails: { sent: number; failed: number }; raw: { failed: number } };
    expect(info.emails.sent).toBeGreaterThan(0);
    expect(info.emails.failed).toBe(0);
    expect(info.raw.failed).toBe(0);
  }, 60_000);
});
