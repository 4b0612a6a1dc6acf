import { and, assign, not, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { afterAll, describe, expect, it } from 'vitest';
import { supervisorMachine } from '../../../src/machines/supervisor/supervisor.machine.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';
import { createHarness, DECKIES, DELAYS, flush, type Harness, settleOne } from './supervisor-harness.js';

const MAX_TICKS = 3;
const PRUNE_EVERY = 2;

interface ModelContext {
  ticks: number;
  /** some decky action is running */
  inFlight: boolean;
  /** the discovery actor crashed and waits to restart */
  recovering: boolean;
  /** an inventory read after a sync is under way */
  reading: boolean;
  /** decky actors exist (the running set was read once) */
  spawned: boolean;
  /** the stop came from the tick limit */
  byTicks: boolean;
}

// what an operator expects of the supervisor, without the machinery
const model = setup({
  types: { context: {} as ModelContext },
  actions: {
    startReading: assign({ reading: true }),
    finishReading: assign({ reading: false, spawned: true }),
    crashDiscovery: assign({ recovering: true }),
    recoverDiscovery: assign({ recovering: false }),
    finishActions: assign({ inFlight: false }),
    // deckies first seen in this read are starting: they act from the next tick on
    tickRead: assign(({ context }) => ({
      ticks: context.ticks + 1,
      inFlight: context.inFlight || context.spawned,
      spawned: true,
      byTicks: context.ticks + 1 >= MAX_TICKS,
    })),
    tickFailed: assign(({ context }) => ({
      ticks: context.ticks + 1,
      inFlight: context.inFlight || context.spawned,
      byTicks: context.ticks + 1 >= MAX_TICKS,
    })),
    stay: () => undefined,
  },
  guards: {
    reading: ({ context }) => context.reading,
    recovering: ({ context }) => context.recovering,
    inFlight: ({ context }) => context.inFlight,
    byTicks: ({ context }) => context.byTicks,
    lastTick: ({ context }) => context.ticks + 1 >= MAX_TICKS,
    pruneDue: ({ context }) => (context.ticks + 1) % PRUNE_EVERY === 0,
    busyAfterTick: ({ context }) => context.inFlight || context.spawned,
    canCrashChild: ({ context }) => context.spawned && !context.inFlight && !context.recovering,
  },
}).createMachine({
  id: 'supervisorModel',
  context: { ticks: 0, inFlight: false, recovering: false, reading: false, spawned: false, byTicks: false },
  initial: 'live',
  states: {
    live: {
      initial: 'syncing',
      on: {
        SYNC: { guard: and([not('reading'), not('recovering')]), actions: 'startReading' },
        DISCOVERY_RECOVERS: { guard: 'recovering', actions: 'recoverDiscovery' },
        ACTION_FINISHES: { guard: 'inFlight', actions: 'finishActions' },
        STOP: [{ guard: 'inFlight', target: 'draining' }, { target: 'stopped' }],
      },
      states: {
        syncing: {
          on: {
            INVENTORY_READ: { guard: 'reading', target: 'waiting', actions: 'finishReading' },
            DEGRADE: 'waiting',
            // the crash is reported as degraded: ticking starts on the inventory as it is
            DISCOVERY_CRASH: { guard: not('recovering'), target: 'waiting', actions: 'crashDiscovery' },
            HEARTBEAT: { guard: not('recovering'), actions: 'stay' },
          },
        },
        waiting: {
          on: {
            INVENTORY_READ: { guard: 'reading', actions: 'finishReading' },
            DISCOVERY_CRASH: { guard: not('recovering'), actions: 'crashDiscovery' },
            TICK_DUE: { guard: not('recovering'), target: 'refreshing' },
            CHILD_CRASH: { guard: 'canCrashChild', actions: 'stay' },
          },
        },
        refreshing: {
          on: {
            INVENTORY_READ: { guard: 'reading', actions: 'finishReading' },
            DISCOVERY_CRASH: { guard: not('recovering'), actions: 'crashDiscovery' },
            TICK_READ: [
              { guard: and(['lastTick', 'busyAfterTick']), target: '#supervisorModel.draining', actions: 'tickRead' },
              { guard: 'lastTick', target: '#supervisorModel.done', actions: 'tickRead' },
              { guard: 'pruneDue', target: 'pruning', actions: 'tickRead' },
              { target: 'waiting', actions: 'tickRead' },
            ],
            TICK_READ_FAILS: [
              { guard: and(['lastTick', 'busyAfterTick']), target: '#supervisorModel.draining', actions: 'tickFailed' },
              { guard: 'lastTick', target: '#supervisorModel.done', actions: 'tickFailed' },
              { guard: 'pruneDue', target: 'pruning', actions: 'tickFailed' },
              { target: 'waiting', actions: 'tickFailed' },
            ],
          },
        },
        pruning: {
          on: {
            INVENTORY_READ: { guard: 'reading', actions: 'finishReading' },
            DISCOVERY_CRASH: { guard: not('recovering'), actions: 'crashDiscovery' },
            PRUNE_DONE: 'waiting',
            PRUNE_FAILS: 'waiting',
          },
        },
      },
    },
    draining: {
      on: {
        ACTION_FINISHES: [{ guard: 'byTicks', target: 'done' }, { target: 'stopped' }],
        DRAIN_TIMEOUT: [{ guard: 'byTicks', target: 'done' }, { target: 'stopped' }],
      },
    },
    stopped: { type: 'final' },
    done: { type: 'final' },
  },
});

const visited = new Set<string>();
const live = (schedule: string) => (h: Harness) => (m: { context: ModelContext }) => {
  const s = h.actor.getSnapshot();
  expect(s.status).toBe('active');
  expect(s.value).toEqual({
    live: {
      discovery: m.context.recovering ? 'recovering' : 'watching',
      inventory: m.context.reading ? 'reading' : 'current',
      schedule,
    },
  });
  expect(h.heartbeats.length).toBeGreaterThanOrEqual(1);
  expect(h.openActions().length > 0).toBe(m.context.inFlight);
};

function executors(h: Harness) {
  const has = (level: string, msg: string) => h.logs.some((l) => l.level === level && l.msg === msg);
  return {
    SYNC: async () => {
      h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
      await flush();
      expect(h.lists.filter((c) => !c.settled && c.input.reason === 'sync')).toHaveLength(1);
    },
    INVENTORY_READ: async () => {
      settleOne(h.lists, (c) => c.input.reason === 'sync', h.snapshot());
      await flush();
      for (const d of DECKIES) expect(h.child(d.uuid)).toBeDefined();
    },
    DEGRADE: async () => {
      h.discovery.sendBack({ type: 'DISCOVERY.DEGRADED', reason: 'event stream ended' });
      await flush();
      expect(has('warn', 'discovery degraded before first sync; ticking on the inventory')).toBe(true);
    },
    DISCOVERY_CRASH: async () => {
      h.actor.getSnapshot().children.discovery!.send({ type: 'CRASH' });
      await flush();
      expect(has('error', 'discovery actor failed; restarting')).toBe(true);
    },
    DISCOVERY_RECOVERS: async () => {
      const starts = h.discovery.starts;
      h.clock.increment(DELAYS.discoveryBackoff);
      await flush();
      expect(h.discovery.starts).toBe(starts + 1);
    },
    HEARTBEAT: async () => {
      const n = h.heartbeats.length;
      h.clock.increment(DELAYS.heartbeat);
      await flush();
      expect(h.heartbeats).toHaveLength(n + 1);
      expect(h.heartbeats.at(-1)!.actors.deckies).toBe(Object.keys(h.actor.getSnapshot().context.deckies).length);
    },
    TICK_DUE: async () => {
      h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
      await flush();
      expect(h.lists.filter((c) => !c.settled && c.input.reason === 'tick')).toHaveLength(1);
    },
    TICK_READ: async () => {
      const { status, deckies } = h.actor.getSnapshot().context;
      const idle = DECKIES.filter((d) => d.uuid in deckies && !status[d.uuid]).map((d) => d.uuid);
      const before = h.traffic.length + h.files.length;
      settleOne(h.lists, (c) => c.input.reason === 'tick', h.snapshot());
      await flush();
      const started = [...h.traffic, ...h.files].slice(before);
      // original cadence: one action per tick, and only on a decky that was idle
      expect(started).toHaveLength(idle.length > 0 ? 1 : 0);
      for (const c of started) expect(idle).toContain('src' in c.input ? c.input.src.uuid : c.input.dst.uuid);
    },
    TICK_READ_FAILS: async () => {
      settleOne(h.lists, (c) => c.input.reason === 'tick', new Error('database is locked'));
      await flush();
      expect(has('warn', 'inventory read failed; ticking on the last known set')).toBe(true);
    },
    PRUNE_DONE: async () => {
      settleOne(h.prunes, () => true, 7);
      await flush();
      expect(h.logs).toContainEqual({ level: 'info', msg: 'events pruned', fields: { removed: 7 } });
    },
    PRUNE_FAILS: async () => {
      settleOne(h.prunes, () => true, new Error('disk full'));
      await flush();
      expect(has('warn', 'prune failed')).toBe(true);
    },
    STOP: async () => {
      h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'stop' });
      await flush();
    },
    ACTION_FINISHES: async () => {
      const before = h.recorded.length;
      const n = h.finishActions();
      await flush();
      await flush();
      // every finished action is recorded exactly once (traffic by its destination's actor)
      expect(h.recorded.length - before).toBe(n);
    },
    DRAIN_TIMEOUT: async () => {
      const open = h.openActions().length;
      h.clock.increment(DELAYS.drain);
      await flush();
      expect(h.actor.getSnapshot().output?.abandoned).toBe(open);
    },
    CHILD_CRASH: async () => {
      const before = h.child('local:a')!;
      before.send({ type: 'DECKY.UPDATE', decky: DECKIES[0] });
      await flush();
      expect(h.actor.getSnapshot().status).toBe('active');
      expect(h.actor.getSnapshot().context.status['local:a']).toBe('restarting');
      h.clock.increment(DELAYS.restart);
      await flush();
      expect(h.child('local:a')).toBeDefined();
      expect(h.child('local:a')).not.toBe(before);
      expect(h.actor.getSnapshot().context.status['local:a']).toBeUndefined();
    },
  };
}

describe('supervisorMachine (model-based)', () => {
  const paths = createTestModel(model, {
    // only events the model enables: a refused event is not a transition worth a path
    filterEvents: (state, event) => state.can(event),
    serializeTransition: (_s, event, prev) =>
      event ? ` via ${event.type} from ${JSON.stringify(prev?.value)}:${JSON.stringify(prev?.context)}` : '',
  }).getShortestPaths();

  for (const path of paths) {
    it(path.description, async () => {
      const h = createHarness({ ticks: MAX_TICKS, pruneEveryTicks: PRUNE_EVERY });
      h.actor.start();
      trackStates(supervisorMachine, h.actor, visited);
      await path.test({
        states: {
          'live.syncing': live('syncing')(h),
          'live.waiting': live('waiting')(h),
          'live.refreshing': live('refreshing')(h),
          'live.pruning': live('pruning')(h),
          draining: () => {
            expect(h.actor.getSnapshot().value).toBe('draining');
            expect(h.openActions().length).toBeGreaterThan(0);
          },
          stopped: () => {
            expect(h.actor.getSnapshot().status).toBe('done');
            expect(h.actor.getSnapshot().output).toMatchObject({ reason: 'stop' });
          },
          done: () => {
            expect(h.actor.getSnapshot().status).toBe('done');
            expect(h.actor.getSnapshot().output).toMatchObject({ reason: 'ticks', ticks: MAX_TICKS });
          },
        },
        // biome-ignore lint/suspicious/noExplicitAny: TestModel's executor types are keyed loosely
        events: executors(h) as any,
      });
      h.actor.stop();
    });
  }

  afterAll(() => {
    expect([...visited].sort()).toEqual([...stateIds(supervisorMachine)].sort());
  });
});
