import { assign, createActor, type EventObject, fromCallback, fromPromise, raise, SimulatedClock, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { DiscoveryReport } from '../../../src/machines/worker/worker.events.js';
import { workerDelays, workerGuards } from '../../../src/machines/worker/worker.setup.js';
import { workerStates } from '../../../src/machines/worker/worker.states.js';
import type { LogParams, WorkerClock } from '../../../src/machines/worker/worker.types.js';

// a worker of the smallest kind, built only of the shared states: its plans are context patches
interface Ctx extends WorkerClock {
  quiet: boolean;
  syncs: number;
  seen: string[];
  abandoned: number;
}
type Ev = DiscoveryReport | { type: 'T.STOP' } | { type: 'T.LOADED' } | { type: 'T.HEARTBEAT' };
type Patch = Partial<Ctx>;

const TICK_MS = 1_000;
const DRAIN_MS = 100;

const testSetup = setup({
  types: { context: {} as Ctx, events: {} as Ev, input: {} as { maxTicks: number | null; pruneEveryTicks: number; quiet?: boolean } },
  actors: {
    discovery: fromCallback<EventObject, { resyncMs: number }>(() => undefined),
    read: fromPromise<string, { why: 'sync' | 'tick' }>(async () => 'unset'),
    prune: fromPromise<number>(async () => 0),
  },
  actions: {
    log: (_, _p: LogParams) => undefined,
    publishHeartbeat: (_, _p: { ticks: number }) => undefined,
    scheduleHeartbeat: raise({ type: 'T.HEARTBEAT' }, { delay: 'heartbeatInterval', id: 'heartbeat' }),
    applyPlan: assign((_, patch: Patch) => patch),
    markTicksDone: assign({ stopReason: 'ticks' }),
  },
  guards: workerGuards((c: Ctx) => c.quiet),
  delays: { ...workerDelays, drainTimeout: DRAIN_MS },
});

const worker = workerStates<Ctx, Ev>();

const machine = testSetup.createMachine({
  id: 'w',
  context: ({ input }) => ({
    ...input,
    quiet: input.quiet ?? true,
    ticks: 0,
    nextTickMs: TICK_MS,
    resyncMs: 1,
    stopReason: null,
    syncs: 0,
    seen: [],
    abandoned: 0,
  }),
  entry: worker.beat((c) => ({ ticks: c.ticks })),
  initial: 'live',
  states: {
    live: {
      type: 'parallel',
      on: { 'T.STOP': { target: 'draining', actions: assign({ stopReason: 'stop' }) }, ...worker.degradedLogged },
      states: {
        discovery: worker.discovery(),
        inventory: worker.inventory({
          descriptions: { current: 'read', reading: 'reading' },
          src: 'read',
          input: { why: 'sync' },
          synced: (c): Patch => ({ syncs: c.syncs + 1 }),
          loaded: (c, out: string): Patch => ({ seen: [...c.seen, `sync:${out}`] }),
          loadedEvent: { type: 'T.LOADED' },
          failed: 'read failed',
        }),
        schedule: {
          initial: 'syncing',
          states: {
            syncing: { on: { 'T.LOADED': 'waiting', 'DISCOVERY.DEGRADED': 'waiting' } },
            ...worker.ticks({
              drain: '#w.draining',
              refreshing: {
                description: 'reads, then ticks',
                src: 'read',
                input: { why: 'tick' },
                plan: (c, out: string | null, err?: unknown) => ({
                  ticks: c.ticks + 1,
                  seen: [...c.seen, out === null ? `failed:${(err as Error).message}` : `tick:${out}`],
                }),
                atLimit: 'markTicksDone',
              },
              pruning: { description: 'prunes', src: 'prune', pruned: 'pruned', failed: 'prune failed' },
            }),
          },
        },
      },
    },
    draining: { ...worker.drainExits((c) => ({ abandoned: c.quiet ? 0 : 1 })) },
    ...worker.finals('the limit was reached'),
  },
  output: ({ context }) => context,
});

const flush = () => new Promise((r) => setImmediate(r));

// reads answer from `reads` in order (an Error fails the read); discovery fails when told to
function run(
  input: { maxTicks: number | null; pruneEveryTicks: number; quiet?: boolean },
  reads: (string | Error)[],
  opts: { discoveryFails?: boolean } = {},
) {
  const logs: LogParams[] = [];
  const readsAsked: string[] = [];
  let discoveryStarts = 0;
  const clock = new SimulatedClock();
  const actor = createActor(
    machine.provide({
      actors: {
        discovery: fromCallback<EventObject, { resyncMs: number }>(() => {
          discoveryStarts += 1;
          if (opts.discoveryFails) throw new Error('engine gone');
        }),
        read: fromPromise<string, { why: 'sync' | 'tick' }>(async ({ input }) => {
          readsAsked.push(input.why);
          const next = reads.shift();
          if (next === undefined) throw new Error('script ran out');
          if (next instanceof Error) throw next;
          return next;
        }),
        prune: fromPromise<number>(async () => 7),
      },
      actions: { log: (_, p) => logs.push(p) },
    }),
    { input, clock },
  );
  actor.start();
  const tick = async () => {
    clock.increment(TICK_MS);
    await flush();
  };
  return { actor, clock, logs, readsAsked, tick, discoveryStarts: () => discoveryStarts };
}

describe('workerStates', () => {
  describe('the inventory region', () => {
    it('plans every sync, reads, plans the read and raises the loaded event, so the schedule leaves syncing', async () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 100 }, ['a']);
      w.actor.send({ type: 'DISCOVERY.SYNCED' });
      await flush();
      expect(w.readsAsked).toEqual(['sync']);
      expect(w.actor.getSnapshot().context).toMatchObject({ syncs: 1, seen: ['sync:a'] });
      expect(w.actor.getSnapshot().matches({ live: { inventory: 'current', schedule: 'waiting' } })).toBe(true);
    });

    it('logs a failed read and stays in syncing', async () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 100 }, [new Error('locked')]);
      w.actor.send({ type: 'DISCOVERY.SYNCED' });
      await flush();
      expect(w.logs).toContainEqual({ level: 'warn', msg: 'read failed', fields: { err: 'locked' } });
      expect(w.actor.getSnapshot().matches({ live: { inventory: 'current', schedule: 'syncing' } })).toBe(true);
    });
  });

  describe('the discovery region', () => {
    it('logs a failure, reports DISCOVERY.DEGRADED (the schedule ticks on) and watches again after discoveryBackoff', async () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 100 }, [], { discoveryFails: true });
      await flush();
      expect(w.logs).toContainEqual({ level: 'error', msg: 'discovery actor failed; restarting', fields: { err: 'engine gone' } });
      // the schedule took DISCOVERY.DEGRADED: the live state's line is for later ones (a region's transition wins)
      expect(w.actor.getSnapshot().matches({ live: { discovery: 'recovering', schedule: 'waiting' } })).toBe(true);
      w.actor.send({ type: 'DISCOVERY.DEGRADED', reason: 'again' });
      expect(w.logs).toContainEqual({ level: 'warn', msg: 'discovery degraded', fields: { reason: 'again' } });
      expect(w.discoveryStarts()).toBe(1);
      w.clock.increment(workerDelays.discoveryBackoff);
      expect(w.discoveryStarts()).toBe(2);
    });
  });

  describe('the tick states', () => {
    it('plans a tick on each read, a failed read included, and prunes every pruneEveryTicks-th tick', async () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 2 }, ['a', 'b', new Error('locked')]);
      w.actor.send({ type: 'DISCOVERY.DEGRADED', reason: 'test' });
      await w.tick();
      expect(w.actor.getSnapshot().matches({ live: { schedule: 'waiting' } })).toBe(true);
      await w.tick();
      expect(w.logs).toContainEqual({ level: 'info', msg: 'pruned', fields: { removed: 7 } });
      await w.tick();
      expect(w.readsAsked).toEqual(['tick', 'tick', 'tick']);
      expect(w.actor.getSnapshot().context).toMatchObject({ ticks: 3, seen: ['tick:a', 'tick:b', 'failed:locked'] });
    });

    it('drains after the last tick, marks it, and ends in done once quiet', async () => {
      const w = run({ maxTicks: 2, pruneEveryTicks: 100 }, ['a', 'b']);
      w.actor.send({ type: 'DISCOVERY.DEGRADED', reason: 'test' });
      await w.tick();
      await w.tick();
      expect(w.actor.getSnapshot().status).toBe('done');
      expect(w.actor.getSnapshot().value).toBe('done');
      expect(w.actor.getSnapshot().output).toMatchObject({ ticks: 2, stopReason: 'ticks', abandoned: 0 });
    });
  });

  describe('the drain', () => {
    it('ends in stopped at once when quiet after a stop command', () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 100 }, []);
      w.actor.send({ type: 'T.STOP' });
      expect(w.actor.getSnapshot().value).toBe('stopped');
    });

    it('abandons what still runs after drainTimeout, then stops', () => {
      const w = run({ maxTicks: null, pruneEveryTicks: 100, quiet: false }, []);
      w.actor.send({ type: 'T.STOP' });
      expect(w.actor.getSnapshot().value).toBe('draining');
      w.clock.increment(DRAIN_MS);
      expect(w.actor.getSnapshot().value).toBe('stopped');
      expect(w.actor.getSnapshot().output).toMatchObject({ abandoned: 1, stopReason: 'stop' });
    });
  });
});
