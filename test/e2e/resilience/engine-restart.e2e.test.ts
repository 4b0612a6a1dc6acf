import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { launchDeckies } from '../../../src/demo/decky-launcher.js';
import { hasDocker } from '../../support/docker-available.js';
import { requireSecondEngineOrSkip, type SecondEngine, startSecondEngine } from '../../support/second-engine.js';
import { DaemonProcess, type LogLine } from './daemon-process.js';
import { actionKeys, eventRows, rowKeys, waitForSshd } from './resilience-fixture.js';

// the second engine copies the decky image from the main one
const runs = hasDocker && requireSecondEngineOrSkip();
const isOk = (l: LogLine) => l.msg === 'action' && l.success === true;
// how soon after the engine answers again actions must succeed again
const RESUME_BOUND_MS = 15_000;
// long enough for every decky to fail into its (60 s) backoff while the engine is away
const OUTAGE_MS = 4_000;

interface Outcome {
  resumeMs: number;
  outage: LogLine[];
  rows: number;
  backedOff: number;
}

describe.runIf(runs)('decnet-orchestrator orchestrate › its Docker engine restarts while it runs (a second, real dockerd)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-engine-restart-'));
  const engines: SecondEngine[] = [];
  const daemons: DaemonProcess[] = [];

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    for (const e of engines) await e.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // three ssh deckies on their own engine, a daemon on it; the engine stops mid-run and comes back
  async function outage(name: string, liveRestore: boolean): Promise<Outcome> {
    const tag = `dne${randomBytes(3).toString('hex')}`;
    const engine = await startSecondEngine({ name, liveRestore });
    engines.push(engine);
    const names = ['alpha', 'bravo', 'charlie'].map((s) => `${tag}-${s}`);
    await launchDeckies(
      engine.docker,
      `${tag}-net`,
      names.map((n) => ({ name: n, services: ['ssh'], labels: { 'decnet.scope': tag } })),
    );
    for (const n of names) {
      // as an operator runs deckies: they come back when their engine does
      for (const c of [n, `${n}-ssh`]) await engine.docker.getContainer(c).update({ RestartPolicy: { Name: 'unless-stopped' } });
      await waitForSshd(engine.docker, `${n}-ssh`);
    }
    const db = join(dir, `${name}.sqlite`);
    const d = new DaemonProcess(['orchestrate', '--interval', '0.1'], {
      DECNET_DB: db,
      DOCKER_HOST: engine.dockerHost,
      DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
    });
    daemons.push(d);
    await d.waitForCount('10 successful actions', isOk, 10, 60_000);

    const downFrom = d.lines.length;
    await engine.stop();
    await d.waitFor('the event stream failure', (l) => l.msg === 'docker event stream failed; resubscribing', 15_000, downFrom);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(d.alive).toBe(true);
    // only the second engine went away: the main one, which other test files use, still answers
    await expect(new Docker().ping()).resolves.toBeTruthy();

    await engine.resume();
    const upEpoch = Date.now();
    const upFrom = d.lines.length;
    const resumed = await d.waitFor('a successful action after the engine came back', isOk, RESUME_BOUND_MS + 20_000, upFrom);
    await d.waitForCount('10 successful actions after the restart', isOk, 10, 30_000, upFrom);
    expect(d.alive).toBe(true);
    d.signal('SIGTERM');
    expect(await d.exitWithin(15_000)).toMatchObject({ code: 0, signal: null });

    const rows = await eventRows(db);
    expect(rowKeys(rows)).toEqual(actionKeys(d.actions()));
    const during = d.lines.slice(downFrom, upFrom);
    return {
      resumeMs: Number(resumed.time) - upEpoch,
      outage: during.filter((l) => l.msg === 'action'),
      rows: rows.length,
      backedOff: during.filter((l) => l.msg === 'decky backing off after repeated failures').length,
    };
  }

  it('with live-restore (deckies keep running, every one backs off while the API is away): resumes them within seconds of the engine answering', async () => {
    const o = await outage('resilience-lr', true);
    expect(o.backedOff).toBe(3);
    expect(o.outage.filter((l) => l.success === false).length).toBeGreaterThanOrEqual(9);
    expect(o.resumeMs).toBeLessThan(RESUME_BOUND_MS);
    console.info(
      `engine restart (live-restore): ${o.outage.length} failed actions during the outage, ${o.backedOff} deckies backed off, first success ${o.resumeMs} ms after the engine answered; ${o.rows} rows`,
    );
  }, 240_000);

  it('without live-restore (deckies stop with the engine and restart with it, new IPs possibly): reconnects and acts again within seconds', async () => {
    const o = await outage('resilience', false);
    expect(o.resumeMs).toBeLessThan(RESUME_BOUND_MS);
    console.info(
      `engine restart (containers restarted): ${o.outage.length} actions during the outage, ${o.backedOff} deckies backed off, first success ${o.resumeMs} ms after the engine answered; ${o.rows} rows`,
    );
  }, 240_000);
});
