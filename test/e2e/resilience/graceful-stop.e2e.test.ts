import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDocker } from '../../support/docker-available.js';
import { DaemonProcess, type LogLine } from './daemon-process.js';
import { actionKeys, eventRows, makeExecsHang, rowKeys, ScopedDeckies } from './resilience-fixture.js';

// systemd's TimeoutStopSec is 30 s; the drain bound is 10 s, the flush bound 5 s
const STOP_BOUND_MS = 12_000;
const isAction = (l: LogLine) => l.msg === 'action';

describe.runIf(hasDocker)('decnet-orchestrator orchestrate › graceful stop on the real engine', () => {
  const docker = new Docker();
  const fx = new ScopedDeckies(docker);
  const daemons: DaemonProcess[] = [];

  beforeAll(async () => {
    await fx.launch(['alpha', 'bravo', 'charlie']);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    await fx.cleanup();
  });

  const start = (db: string, extra: Record<string, string> = {}) => {
    const d = new DaemonProcess(['orchestrate', '--interval', '0.1'], fx.env(db, extra));
    daemons.push(d);
    return d;
  };

  it.each([
    'SIGTERM',
    'SIGINT',
  ] as const)('on %s mid-run: stops scheduling, writes every logged action and exits 0 well inside TimeoutStopSec', async (sig) => {
    const db = fx.db(`stop-${sig}`);
    const d = start(db);
    await d.waitForCount('15 actions', isAction, 15, 60_000);

    const sentAt = d.signal(sig);
    const exit = await d.exitWithin(STOP_BOUND_MS + 10_000);
    const tookMs = exit.atMs - sentAt;

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(STOP_BOUND_MS);
    const signalLine = d.lines.findIndex((l) => l.msg === 'signal received; stopping gracefully');
    expect(d.lines[signalLine]).toMatchObject({ signal: sig });
    // no new action starts after the signal: only the ones in flight (one per decky at most) land
    expect(d.actions(signalLine).length).toBeLessThanOrEqual(3);
    expect(d.lines.find((l) => l.msg === 'orchestrator stopped')).toMatchObject({
      reason: 'signal',
      abandoned: 0,
      dropped: 0,
      buffered: 0,
    });

    const rows = await eventRows(db);
    const logged = d.actions();
    expect(rows.length).toBe(logged.length);
    expect(rowKeys(rows)).toEqual(actionKeys(logged));
    expect(rows.every((r) => r.success === 1)).toBe(true);
    console.info(`${sig}: ${logged.length} actions, exit 0 after ${Math.round(tookMs)} ms`);
  }, 90_000);

  it('abandons the hung action at the drain bound, still writes every logged action, and exits 0 in time', async () => {
    const hung = new ScopedDeckies(docker);
    try {
      await hung.launch(['good1', 'good2', 'stuck']);
      await makeExecsHang(docker, `${hung.name('stuck')}-ssh`);
      const db = hung.db('hung');
      // an exec bound past the drain bound: only the drain bound can end this action
      const d = new DaemonProcess(['orchestrate', '--interval', '0.1'], hung.env(db, { DECNET_EXEC_TIMEOUT: '120' }));
      daemons.push(d);
      await d.waitForCount('20 actions', isAction, 20, 60_000);

      const sentAt = d.signal('SIGTERM');
      const exit = await d.exitWithin(STOP_BOUND_MS + 10_000);
      const tookMs = exit.atMs - sentAt;

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(tookMs).toBeLessThan(STOP_BOUND_MS);
      expect(d.lines.find((l) => l.msg === 'drain bound passed; abandoning in-flight actions')).toMatchObject({ abandoned: 1 });
      expect(d.lines.find((l) => l.msg === 'orchestrator stopped')).toMatchObject({
        reason: 'signal',
        abandoned: 1,
        buffered: 0,
        dropped: 0,
      });
      const rows = await eventRows(db);
      expect(rowKeys(rows)).toEqual(actionKeys(d.actions()));
      // the stuck decky never completed an action of its own
      expect(rows.filter((r) => r.dst_decky_uuid === `local:${hung.name('stuck')}` && r.kind === 'file')).toEqual([]);
      console.info(`hung exec: ${rows.length} actions, exit 0 after ${Math.round(tookMs)} ms`);
    } finally {
      await hung.cleanup();
    }
  }, 120_000);
});
