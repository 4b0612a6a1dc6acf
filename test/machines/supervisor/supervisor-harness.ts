import { type AnyActorRef, createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { deckyDriver } from '../../../src/actors/drivers/decky-driver.actor.js';
import { deckyMachine } from '../../../src/machines/decky/decky.machine.js';
import type { ActionOutcome, PlantFileInput, SendTrafficInput } from '../../../src/machines/decky/decky.types.js';
import type { EventDraft } from '../../../src/domain/event.js';
import type { EventWriterCommand } from '../../../src/machines/supervisor/supervisor.events.js';
import { supervisorMachine } from '../../../src/machines/supervisor/supervisor.machine.js';
import type {
  HeartbeatParams,
  ListRunningInput,
  RunningSnapshot,
  SupervisorInput,
} from '../../../src/machines/supervisor/supervisor.types.js';
import type { LogParams } from '../../../src/machines/worker/worker.types.js';

/** Named delays as the harness sets them, so no two timers ever fire in one clock step. */
export const DELAYS = { heartbeat: 10_000_000, drain: 100, discoveryBackoff: 10, restart: 10, syncTimeout: 1_000_000_000 };

/** Two ssh-eligible fleet deckies. */
export const DECKIES: RunningDecky[] = [
  { uuid: 'local:a', name: 'a', ip: '10.0.0.1', services: ['ssh'], source: 'fleet' },
  { uuid: 'local:b', name: 'b', ip: '10.0.0.2', services: ['ssh'], source: 'fleet' },
];

/** A promise the test settles by hand, with what it was called with. */
export interface Deferred<I, O> {
  input: I;
  resolve: (o: O) => void;
  reject: (e: Error) => void;
  settled: boolean;
  /** the driver call's abort signal (driver calls only) */
  signal?: AbortSignal;
}

// a driver call the test settles by hand
function deferredCall<I, O>(calls: Deferred<I, O>[]) {
  return (input: I, signal: AbortSignal) =>
    new Promise<O>((resolve, reject) => {
      calls.push({ input, resolve, reject, settled: false, signal });
    });
}

function deferredLogic<I, O>(calls: Deferred<I, O>[]) {
  return fromPromise<O, I>(
    ({ input }) =>
      new Promise<O>((resolve, reject) => {
        calls.push({ input, resolve, reject, settled: false });
      }),
  );
}

/** Settles the only unsettled call matching `which`; throws when there is not exactly one. */
export function settleOne<I, O>(calls: Deferred<I, O>[], which: (c: Deferred<I, O>) => boolean, value: O | Error): void {
  const open = calls.filter((c) => !c.settled && which(c));
  if (open.length !== 1) throw new Error(`expected exactly one open call, found ${open.length}`);
  const c = open[0]!;
  c.settled = true;
  if (value instanceof Error) c.reject(value);
  else c.resolve(value);
}

/** Lets promises settle and deferred sends run. */
export const flush = () => new Promise((r) => setImmediate(r));

/**
 * The real supervisor (and real decky machines) with every named actor and action replaced by
 * a fake the test drives by hand, on a SimulatedClock.
 */
export function createHarness(input: Partial<SupervisorInput> = {}) {
  const clock = new SimulatedClock();
  const lists: Deferred<ListRunningInput, RunningSnapshot>[] = [];
  const prunes: Deferred<unknown, number>[] = [];
  const traffic: Deferred<SendTrafficInput, ActionOutcome>[] = [];
  const files: Deferred<PlantFileInput, ActionOutcome>[] = [];
  const recorded: EventDraft[] = [];
  const logs: LogParams[] = [];
  const heartbeats: HeartbeatParams[] = [];
  const discovery = { sendBack: (_e: { type: string; reason?: string }) => {}, starts: 0 };

  const machine = supervisorMachine.provide({
    actors: {
      deckyDriver: deckyDriver({ sendTraffic: deferredCall(traffic), plantFile: deferredCall(files) }),
      decky: deckyMachine.provide({
        // DECKY.UPDATE is how the harness makes a decky actor crash on demand
        actions: {
          updateDecky: () => {
            throw new Error('decky bug');
          },
        },
      }),
      listRunning: deferredLogic(lists),
      pruneEvents: deferredLogic(prunes),
      discovery: fromCallback(({ sendBack, receive }) => {
        discovery.starts += 1;
        discovery.sendBack = sendBack;
        receive((e) => {
          if (e.type === 'CRASH') throw new Error('discovery bug');
        });
      }),
      eventWriter: fromCallback<EventWriterCommand>(({ receive }) => {
        receive((e) => recorded.push(e.draft));
      }),
    },
    actions: {
      log: (_, p) => logs.push(p),
      publishHeartbeat: (_, p) => heartbeats.push(p),
    },
    delays: {
      heartbeatInterval: DELAYS.heartbeat,
      drainTimeout: DELAYS.drain,
      discoveryBackoff: DELAYS.discoveryBackoff,
      restartBackoff: DELAYS.restart,
      syncTimeout: DELAYS.syncTimeout,
    },
  });
  const actor = createActor(machine, { clock, input: { intervalMs: 60_000, seed: 1, ...input } });
  const child = (uuid: string): AnyActorRef | undefined => actor.getSnapshot().children[`decky:${uuid}`];
  const openActions = () => [...traffic, ...files].filter((c) => !c.settled);
  const success = (kind: 'traffic' | 'file'): ActionOutcome => ({
    kind,
    action: kind === 'traffic' ? 'exec:tcp_connect:22' : 'file:create',
    success: true,
    payload: { rc: 0 },
    at: '2025-01-01T00:00:00.000Z',
  });
  /** resolves every action in flight with success; returns how many there were */
  const finishActions = () => {
    const open = openActions();
    for (const c of open) {
      c.settled = true;
      c.resolve(success('src' in c.input ? 'traffic' : 'file'));
    }
    return open.length;
  };
  const snapshot = (at = '2025-01-01T00:00:00.000Z'): RunningSnapshot => ({ deckies: DECKIES, at });
  return {
    clock,
    actor,
    machine,
    lists,
    prunes,
    traffic,
    files,
    recorded,
    logs,
    heartbeats,
    discovery,
    child,
    openActions,
    finishActions,
    snapshot,
  };
}

/** A harness type for executors. */
export type Harness = ReturnType<typeof createHarness>;
