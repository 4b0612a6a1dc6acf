import {
  type Actor,
  type ActorOptions,
  type AnyActorLogic,
  type AnyActorRef,
  type AnyStateMachine,
  createActor,
  type EventFromLogic,
  type InputFrom,
  type InspectionEvent,
  type Observer,
  type OutputFrom,
  toPromise,
} from 'xstate';
import { errText } from '../../domain/err-text.js';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { subscribeControl } from '../control-topic.js';

/** The timer source xstate schedules delays on. */
export type TimerClock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** What a worker runtime hands `startWorker`: its provided root machine and what differs around it. */
interface WorkerStart<TMachine extends AnyStateMachine> {
  /** the worker name in heartbeat and control topics (SPEC §5) */
  worker: string;
  /** the root machine, every named actor and action provided */
  machine: TMachine;
  input: InputFrom<TMachine>;
  /** the machine's stop command (`SUPERVISOR.STOP`, `EMAILGEN.STOP`) */
  stopEvent: (reason: string) => EventFromLogic<TMachine>;
  bus: BusPort;
  /** the worker's logger (component already bound) */
  log: Logger;
  clock?: TimerClock;
  inspect?: Observer<InspectionEvent> | ((e: InspectionEvent) => void);
  /** runs before a stop is sent (a backfill in flight is abandoned) */
  onStop?: () => void;
  /** runs after the machine stopped or failed, before `done` settles (settle, flush, close) */
  finish?: (failed: boolean) => Promise<void> | void;
  /** fields of the `<worker> started` line */
  started: Record<string, unknown>;
  /** fields of the `<worker> stopped` line besides the machine's output */
  stopped?: () => object;
}

/** A running worker. */
interface WorkerRun<TMachine extends AnyStateMachine> {
  actor: Actor<TMachine>;
  /** resolves after the machine stopped and `finish` ran; rejects if the machine failed */
  done: Promise<OutputFrom<TMachine>>;
  /** graceful stop: the machine drains, then `done` settles (a failure is not rethrown here) */
  stop(reason?: string): Promise<void>;
}

/**
 * Creates and starts a worker's root actor: stops it on `{action:"stop"}` on
 * `system.<worker>.control` or on `stop()`, and logs its start, its stop and its failure.
 * Signals are the host's (surfaces/cli/worker-host.ts), which calls `stop('signal')`.
 */
export function startWorker<TMachine extends AnyStateMachine>(w: WorkerStart<TMachine>): WorkerRun<TMachine> {
  const actor: Actor<TMachine> = createActor(w.machine, {
    input: w.input,
    ...(w.clock ? { clock: w.clock } : {}),
    ...(w.inspect ? { inspect: w.inspect } : {}),
  });

  // the snapshot's status, whatever the machine: its type is not resolved for a type parameter
  const ref: AnyActorRef = actor;
  const stopBy = (reason: string) => {
    w.onStop?.();
    if (ref.getSnapshot().status === 'active') actor.send(w.stopEvent(reason));
  };
  const unsubscribe = subscribeControl(w.bus, w.worker, w.log, stopBy);

  const done = toPromise(actor).then(
    async (output) => {
      unsubscribe();
      await w.finish?.(false);
      w.log.info(Object.assign({}, output, w.stopped?.()), `${w.worker} stopped`);
      return output;
    },
    async (err: unknown) => {
      w.log.error({ err: errText(err) }, `${w.worker} supervisor failed`);
      unsubscribe();
      await w.finish?.(true);
      throw err;
    },
  );

  actor.start();
  w.log.info(w.started, `${w.worker} started`);
  return {
    actor,
    done,
    async stop(reason = 'signal') {
      stopBy(reason);
      await done.catch(() => undefined);
    },
  };
}
