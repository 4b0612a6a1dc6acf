import { assign, createActor, SimulatedClock, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import type { DeckyReport } from '../../../src/machines/decky/decky.events.js';
import { deckyDriver } from '../../../src/actors/drivers/decky-driver.actor.js';
import { DRIVER_ID } from '../../../src/machines/decky/decky.types.js';
import { deckyMachine } from '../../../src/machines/decky/decky.machine.js';
import type { ActionOutcome, PeerRef, PlantFileInput, SendTrafficInput } from '../../../src/machines/decky/decky.types.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const DECKY: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.11', services: ['ssh'], source: 'fleet' };
const PEER: PeerRef = { uuid: 'local:web02', name: 'web02', ip: '10.0.0.12' };
const PLAN = { path: '/tmp/.cache-1.tmp', content: 'session=1\n' };
const THRESHOLD = 2;
const BASE = 1_000;
const CAP = 4 * BASE;
const MAX_MODEL_BACKOFFS = 3; // base·2^(n-1) reaches the cap at n = 3; beyond, delays repeat

type Failures = { failures: number; backoffs: number };

/** The abstract model of one decky actor's behaviour, as an operator describes it. */
const model = setup({
  types: { context: {} as Failures },
  actions: {
    succeed: assign({ failures: 0, backoffs: 0 }),
    fail: assign(({ context }) => ({ failures: context.failures + 1 })),
    failIntoBackoff: assign(({ context }) => ({
      failures: context.failures + 1,
      backoffs: Math.min(context.backoffs + 1, MAX_MODEL_BACKOFFS),
    })),
    startProbation: assign({ failures: THRESHOLD - 1 }),
    // the engine is back: failures while it was away are forgiven, the backoff count stays
    forgiveFailures: assign({ failures: 0 }),
    // self-loops carry an action: the graph walker skips empty `{}` transitions, leaving them untested
    stay: () => undefined,
  },
  guards: { reachesThreshold: ({ context }) => context.failures + 1 >= THRESHOLD },
}).createMachine({
  id: 'deckyModel',
  context: { failures: 0, backoffs: 0 },
  initial: 'idle',
  states: {
    idle: { on: { SEND_TRAFFIC: 'sendingTraffic', PLANT_FILE: 'plantingFile', ENGINE_RECOVERS: { actions: 'stay' } } },
    sendingTraffic: {
      on: {
        DRIVER_SUCCEEDS: { target: 'idle', actions: 'succeed' },
        DRIVER_FAILS: [
          { guard: 'reachesThreshold', target: 'backingOff', actions: 'failIntoBackoff' },
          { target: 'idle', actions: 'fail' },
        ],
        DRIVER_REJECTS: [
          { guard: 'reachesThreshold', target: 'backingOff', actions: 'failIntoBackoff' },
          { target: 'idle', actions: 'fail' },
        ],
        COMMAND_WHILE_BUSY: { actions: 'stay' },
      },
    },
    plantingFile: {
      on: {
        DRIVER_SUCCEEDS: { target: 'idle', actions: 'succeed' },
        DRIVER_FAILS: [
          { guard: 'reachesThreshold', target: 'backingOff', actions: 'failIntoBackoff' },
          { target: 'idle', actions: 'fail' },
        ],
        DRIVER_REJECTS: [
          { guard: 'reachesThreshold', target: 'backingOff', actions: 'failIntoBackoff' },
          { target: 'idle', actions: 'fail' },
        ],
        COMMAND_WHILE_BUSY: { actions: 'stay' },
      },
    },
    backingOff: {
      on: {
        BACKOFF_ELAPSES: { target: 'idle', actions: 'startProbation' },
        ENGINE_RECOVERS: { target: 'idle', actions: 'forgiveFailures' },
        COMMAND_WHILE_BUSY: { actions: 'stay' },
      },
    },
  },
});

// one kind of driver call, settled by hand
function driver<I>() {
  const calls: { input: I; resolve: (o: ActionOutcome) => void; reject: (e: Error) => void; settled: boolean; signal: AbortSignal }[] = [];
  const call = (input: I, signal: AbortSignal) =>
    new Promise<ActionOutcome>((resolve, reject) => {
      calls.push({ input, resolve, reject, settled: false, signal });
    });
  const pending = () => calls.filter((c) => !c.settled);
  return { call, calls, pending };
}

const tick = () => new Promise((r) => setImmediate(r));
const visited = new Set<string>();

function createSut() {
  const traffic = driver<SendTrafficInput>();
  const file = driver<PlantFileInput>();
  const clock = new SimulatedClock();
  const reports: DeckyReport[] = [];
  const driverLogic = deckyDriver({ sendTraffic: traffic.call, plantFile: file.call });
  // the decky next to the system's driver, as the supervisor runs them
  const harness = setup({ actors: { decky: deckyMachine, driver: driverLogic } }).createMachine({
    invoke: [
      { src: 'decky', id: 'decky', input: { decky: DECKY, failureThreshold: THRESHOLD, backoffBaseMs: BASE, backoffMaxMs: CAP } },
      { src: 'driver', id: 'driver', systemId: DRIVER_ID },
    ],
    on: { '*': { actions: ({ event }) => reports.push(event as DeckyReport) } },
  });
  const root = createActor(harness, { clock }).start();
  const child = root.getSnapshot().children.decky!;
  trackStates(deckyMachine, child, visited);
  // the status the parent last heard: an availability report, or the one an outcome report carries
  const lastStatus = () => reports.filter((r) => r.type === 'DECKY.AVAILABILITY' || r.status !== undefined).at(-1)?.status;
  const availability = (status: 'idle' | 'acting' | 'backingOff') => ({
    type: 'DECKY.AVAILABILITY',
    uuid: DECKY.uuid,
    available: status === 'idle',
    status,
  });
  const since = (n: number) => reports.slice(n);

  async function settleWith(outcome: (kind: 'traffic' | 'file') => ActionOutcome | Error) {
    const open = [
      ...traffic.pending().map((c) => ({ c, kind: 'traffic' as const })),
      ...file.pending().map((c) => ({ c, kind: 'file' as const })),
    ];
    expect(open).toHaveLength(1);
    const { c, kind } = open[0]!;
    const before = reports.length;
    const o = outcome(kind);
    c.settled = true;
    if (o instanceof Error) c.reject(o);
    else c.resolve(o);
    await tick();
    // the outcome is reported exactly once (traffic to be routed, files to be recorded), and it
    // carries the status the decky settled in: no separate availability report
    const emitted = since(before);
    expect(emitted).toHaveLength(1);
    const report = emitted[0]!;
    const success = !(o instanceof Error) && o.success;
    const status = child.getSnapshot().value === 'backingOff' ? 'backingOff' : 'idle';
    if (kind === 'traffic') {
      expect(report).toMatchObject({
        type: 'DECKY.TRAFFIC_SENT',
        src: DECKY.uuid,
        dst: PEER.uuid,
        status,
        draft: { kind: 'traffic', srcDeckyUuid: DECKY.uuid, dstDeckyUuid: PEER.uuid, success },
      });
    } else {
      expect(report).toMatchObject({
        type: 'DECKY.RECORD',
        uuid: DECKY.uuid,
        status,
        draft: { kind: 'file', srcDeckyUuid: null, dstDeckyUuid: DECKY.uuid, success },
      });
    }
    if (o instanceof Error) expect(report).toMatchObject({ draft: { payload: { error: o.message } } });
  }

  const outcome =
    (success: boolean) =>
    (kind: 'traffic' | 'file'): ActionOutcome => ({
      kind,
      action: kind === 'traffic' ? 'exec:tcp_connect:22' : 'file:create',
      success,
      payload: { rc: success ? 0 : 1 },
      at: '2025-01-01T00:00:00.000Z',
    });

  return {
    states: {
      idle: () => {
        expect(child.getSnapshot().value).toBe('idle');
        expect(lastStatus()).toBe('idle');
        expect(traffic.pending().length + file.pending().length).toBe(0);
      },
      sendingTraffic: () => {
        expect(child.getSnapshot().value).toEqual({ acting: 'sendingTraffic' });
        // traffic is commanded with `ack` (as a delayed command is): the decky says it started
        expect(lastStatus()).toBe('acting');
        expect(traffic.pending().map((c) => c.input)).toEqual([{ src: DECKY, dst: PEER }]);
      },
      plantingFile: () => {
        expect(child.getSnapshot().value).toEqual({ acting: 'plantingFile' });
        // started without `ack` (see PLANT_FILE): the parent only hears `acting` as a refusal
        expect(['idle', 'acting']).toContain(lastStatus());
        expect(file.pending().map((c) => c.input)).toEqual([{ dst: DECKY, plan: PLAN }]);
      },
      backingOff: () => {
        expect(child.getSnapshot().value).toBe('backingOff');
        expect(lastStatus()).toBe('backingOff');
      },
    },
    events: {
      SEND_TRAFFIC: async () => {
        const before = reports.length;
        child.send({ type: 'DECKY.SEND_TRAFFIC', dst: PEER, ack: true });
        await tick();
        // a delayed command carries `ack`: the decky says when it starts
        expect(since(before)).toEqual([availability('acting')]);
      },
      PLANT_FILE: async () => {
        const before = reports.length;
        child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
        await tick();
        // a command sent at once carries no `ack`: its sender marked the decky acting already
        expect(since(before)).toEqual([]);
      },
      DRIVER_SUCCEEDS: () => settleWith(outcome(true)),
      DRIVER_FAILS: () => settleWith(outcome(false)),
      DRIVER_REJECTS: () => settleWith(() => new Error('engine went away')),
      COMMAND_WHILE_BUSY: async () => {
        const calls = traffic.calls.length + file.calls.length;
        const value = child.getSnapshot().value;
        const status = availability(value === 'backingOff' ? 'backingOff' : 'acting');
        const before = reports.length;
        child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
        await tick();
        // refused: no driver call, and the decky says again why it is unavailable
        expect(traffic.calls.length + file.calls.length).toBe(calls);
        expect(since(before)).toEqual([status]);
      },
      ENGINE_RECOVERS: async () => {
        const before = reports.length;
        const was = child.getSnapshot().value;
        child.send({ type: 'DECKY.RESUME' });
        await tick();
        // an idle decky says nothing; a backed-off one reports itself available at once
        if (was === 'idle') expect(since(before)).toEqual([]);
        else expect(since(before)).toEqual([{ type: 'DECKY.AVAILABILITY', uuid: DECKY.uuid, available: true, status: 'idle' }]);
      },
      BACKOFF_ELAPSES: async ({ state }: { state: { context: Failures } }) => {
        const delay = Math.min(BASE * 2 ** (state.context.backoffs - 1), CAP);
        clock.increment(delay - 1);
        await tick();
        expect(child.getSnapshot().value).toBe('backingOff');
        clock.increment(1);
        await tick();
      },
    },
  };
}

describe('deckyMachine (model-based)', () => {
  // every transition, self-loops included, is a vertex: shortest paths then cover every edge
  const testModel = createTestModel(model, {
    filterEvents: (state, event) => state.can(event),
    serializeTransition: (_state, event, prev) =>
      event ? ` via ${event.type} from ${JSON.stringify(prev?.value)}:${JSON.stringify(prev?.context)}` : '',
  });
  const paths = testModel.getShortestPaths();

  for (const path of paths) {
    it(path.description, async () => {
      const sut = createSut();
      // biome-ignore lint/suspicious/noExplicitAny: TestModel's executor types are keyed loosely
      await path.test({ states: sut.states, events: sut.events as any });
    });
  }

  afterAll(() => {
    // every state of the real machine was entered by some path
    expect([...visited].sort()).toEqual([...stateIds(deckyMachine)].sort());
  });
});
