import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BackfillRunOutcome,
  type BackfillRunRequest,
  createNewDeckyBackfill,
  feedRunning,
} from '../../src/actors/backfill-new-deckies.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import type { RunningDecky } from '../../src/domain/decky.js';
import { openStore, type Store } from '../../src/infra/store/store.factory.js';
import { tempDir } from '../infra/store/store-fixtures.js';

const decky = (name: string, services = ['ssh']): RunningDecky => ({
  uuid: `local:${name}`,
  name,
  ip: '10.0.0.2',
  services,
  source: 'fleet',
  hostUuid: 'local',
});

/** A run that waits until the test releases it, recording what it was asked. */
function gatedRuns(outcome: (d: RunningDecky) => BackfillRunOutcome = () => ({ items: 3, failures: 0 })) {
  const started: { decky: string; req: BackfillRunRequest }[] = [];
  const gates = new Map<string, () => void>();
  // a release may come before its run starts (a loaded box): the run then passes straight through
  const released = new Set<string>();
  let active = 0;
  let peak = 0;
  const run = async (d: RunningDecky, req: BackfillRunRequest) => {
    started.push({ decky: d.uuid, req });
    active += 1;
    peak = Math.max(peak, active);
    await new Promise<void>((r) => {
      if (released.has(d.uuid)) return r();
      gates.set(d.uuid, r);
      req.signal.addEventListener('abort', () => r(), { once: true });
    });
    active -= 1;
    return req.signal.aborted ? { items: 1, failures: 0, abandoned: true } : outcome(d);
  };
  const release = (uuid: string) => {
    released.add(uuid);
    gates.get(uuid)?.();
  };
  return { run, started, release, peak: () => peak };
}

const tick = () => new Promise((r) => setTimeout(r, 20));
// the feed writes its `running` row before it starts a run: on a loaded box that takes longer than
// a tick, so wait for the run itself rather than for time to pass
const runStarted = async (g: { started: unknown[] }, n = 1) => {
  const end = Date.now() + 10_000;
  while (g.started.length < n) {
    if (Date.now() > end) throw new Error(`run ${n} did not start within 10 s`);
    await tick();
  }
};

describe('createNewDeckyBackfill', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeEach(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
  });
  afterEach(async () => {
    await store.close();
    await tmp.cleanup();
  });

  const make = (over: Partial<Parameters<typeof createNewDeckyBackfill>[0]> = {}) =>
    createNewDeckyBackfill({
      kind: 'files',
      log: store.backfills,
      eligible: (d) => d.services?.includes('ssh') === true,
      hasPast: async () => false,
      run: async () => ({ items: 3, failures: 0 }),
      logger: silentLogger,
      ...over,
    });

  it('backfills each new eligible decky once, and a restarted scheduler on the same store never again', async () => {
    const runs: string[] = [];
    const run = async (d: RunningDecky) => {
      runs.push(d.uuid);
      return { items: 4, failures: 0 };
    };
    const feed = make({ run });
    feed.offer([decky('web01'), decky('mail01', ['imap'])]);
    await feed.idle();
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(runs).toEqual(['local:web01']);
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'done', items: 4, attempts: 1 });
    const restarted = make({ run });
    restarted.offer([decky('web01'), decky('web02')]);
    await restarted.idle();
    expect(runs).toEqual(['local:web01', 'local:web02']);
  });

  it('runs at most `concurrency` at once, never one decky twice at once, and asks runs to avoid what the store holds', async () => {
    const g = gatedRuns();
    const feed = make({ run: g.run, concurrency: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((n) => decky(n));
    for (let i = 0; i < 5; i += 1) feed.offer(all);
    await runStarted(g, 2);
    await tick();
    expect(g.started.map((s) => s.decky)).toEqual(['local:a', 'local:b']);
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      feed.offer(all);
      g.release(`local:${n}`);
      await tick();
    }
    await feed.idle();
    expect(g.started.map((s) => s.decky)).toEqual(['local:a', 'local:b', 'local:c', 'local:d', 'local:e']);
    expect(g.peak()).toBe(2);
    expect(g.started.every((s) => s.req.existing === 'avoid')).toBe(true);
  });

  it('does not wait: offer returns before the backfill ends', async () => {
    const g = gatedRuns();
    const feed = make({ run: g.run });
    const t0 = performance.now();
    feed.offer([decky('web01')]);
    expect(performance.now() - t0).toBeLessThan(250);
    await runStarted(g);
    expect(g.started).toHaveLength(1);
    g.release('local:web01');
    await feed.idle();
  });

  it('skips a decky that had a past before it was first seen, for good', async () => {
    const runs: string[] = [];
    let since: Date | null = null;
    const seen = new Date('2025-03-01T10:00:00Z');
    const feed = make({
      now: () => seen,
      hasPast: async (_d, s) => {
        since = s;
        return true;
      },
      run: async (d) => {
        runs.push(d.uuid);
        return { items: 1, failures: 0 };
      },
    });
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(runs).toEqual([]);
    expect(since).toEqual(seen);
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({
      status: 'skipped',
      detail: 'had a past before it was first seen',
    });
  });

  it('logs a failure and retries it on a later appearance, only once the wait has passed', async () => {
    let clock = Date.parse('2025-03-01T10:00:00Z');
    const outcomes: BackfillRunOutcome[] = [
      { items: 0, failures: 9 },
      { skipped: 'no engine', retry: true, items: 0, failures: 0 },
      { items: 5, failures: 0 },
    ];
    let calls = 0;
    const feed = make({
      now: () => new Date(clock),
      retryMs: 60_000,
      run: async () => {
        calls += 1;
        const o = outcomes.shift();
        if (!o) throw new Error('run asked too often');
        return o;
      },
    });
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'failed', failures: 9, attempts: 1 });
    clock += 30_000;
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(calls).toBe(1);
    clock += 31_000;
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'failed', detail: 'no engine', attempts: 2 });
    // the wait doubles
    clock += 61_000;
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(calls).toBe(2);
    clock += 60_000;
    feed.offer([decky('web01')]);
    await feed.idle();
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'done', items: 5, attempts: 3 });
  });

  it('records a run that threw as failed and carries on with the next decky', async () => {
    const feed = make({
      run: async (d) => {
        if (d.name === 'bad') throw new Error('boom');
        return { items: 2, failures: 0 };
      },
    });
    feed.offer([decky('bad'), decky('good')]);
    await feed.idle();
    expect(await store.backfills.getBackfill('local:bad', 'files')).toMatchObject({ status: 'failed', detail: 'boom' });
    expect(await store.backfills.getBackfill('local:good', 'files')).toMatchObject({ status: 'done' });
  });

  it('abandon stops the run in flight through its signal, drops the queue and takes nothing new', async () => {
    const g = gatedRuns();
    const feed = make({ run: g.run });
    feed.offer([decky('a'), decky('b')]);
    await runStarted(g);
    feed.abandon();
    feed.offer([decky('c')]);
    await feed.settle(1000);
    expect(g.started.map((s) => s.decky)).toEqual(['local:a']);
    expect(g.started[0]!.req.signal.aborted).toBe(true);
    expect(await store.backfills.getBackfill('local:a', 'files')).toMatchObject({ status: 'abandoned', items: 1 });
    expect(await store.backfills.getBackfill('local:b', 'files')).toBeNull();
    // an abandoned decky is tried again by the next process
    const next = make();
    next.offer([decky('a')]);
    await next.idle();
    expect(await store.backfills.getBackfill('local:a', 'files')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('settle lets the run in flight finish within the bound, and abandons it past the bound', async () => {
    const g = gatedRuns();
    const feed = make({ run: g.run });
    feed.offer([decky('a')]);
    await runStarted(g);
    const settled = feed.settle(5_000);
    await tick();
    g.release('local:a');
    await settled;
    expect(g.started[0]!.req.signal.aborted).toBe(false);
    expect(await store.backfills.getBackfill('local:a', 'files')).toMatchObject({ status: 'done' });

    const h = gatedRuns();
    const late = make({ run: h.run });
    late.offer([decky('b')]);
    await runStarted(h);
    const t0 = performance.now();
    await late.settle(50);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(h.started[0]!.req.signal.aborted).toBe(true);
    expect(await store.backfills.getBackfill('local:b', 'files')).toMatchObject({ status: 'abandoned' });
  });
});

describe('feedRunning', () => {
  it('hands every running-set read to the feed and passes other calls through', async () => {
    const offered: string[][] = [];
    const inventory = {
      calls: 0,
      async listRunningDeckies() {
        this.calls += 1;
        return [decky('web01')];
      },
      async reconcileHost() {
        this.calls += 100;
      },
    };
    const fed = feedRunning(inventory, {
      offer: (ds) => offered.push(ds.map((d) => d.uuid)),
      abandon: () => {},
      settle: async () => {},
      idle: async () => {},
      runningFor: () => undefined,
    });
    expect(await fed.listRunningDeckies()).toEqual([decky('web01')]);
    await fed.reconcileHost();
    expect(offered).toEqual([['local:web01']]);
    expect(inventory.calls).toBe(101);
    expect(feedRunning(inventory, undefined)).toBe(inventory);
  });
});
