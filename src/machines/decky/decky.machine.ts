import { type AnyActorRef, assign, enqueueActions, sendParent, setup } from 'xstate';
import { DRIVER_ID } from './decky.types.js';
import type { DeckyEvent, DriverCommand, DriverReport, SettledStatus } from './decky.events.js';
import { backoffDelay, draftOf, rejectedOutcome } from './decky.outcome.js';
import type { ActionOutcome, DeckyContext, DeckyInput, DeckyStatus, PlantFileInput, SendTrafficInput } from './decky.types.js';

const DEFAULTS = { failureThreshold: 3, backoffBaseMs: 60_000, backoffMaxMs: 30 * 60_000 };

/**
 * One running decky's life (SPEC §2): idle → acting → idle; after `failureThreshold` consecutive
 * failures it backs off (exponential, capped) and reports itself unavailable so it is not picked.
 * Its actions run through the system's one driver actor (`DRIVER_ID`); it reports only to its parent.
 */
export const deckyMachine = setup({
  types: {
    input: {} as DeckyInput,
    context: {} as DeckyContext,
    events: {} as DeckyEvent,
  },
  actions: {
    reportAvailability: sendParent(({ context }, params: { status: DeckyStatus }) => availability(context, params.status)),
    // the settled status rides on the outcome: the state entered next does not report it again
    emitOutcome: enqueueActions(({ context, enqueue }, params: { outcome: ActionOutcome; status: SettledStatus }) => {
      const draft = draftOf(context, params.outcome);
      const status = params.status;
      // the parent records both: traffic's row names its destination, a file's is ours
      if (context.current?.kind === 'traffic') {
        enqueue.sendParent({ type: 'DECKY.TRAFFIC_SENT', src: context.decky.uuid, dst: draft.dstDeckyUuid, draft, status });
      } else {
        enqueue.sendParent({ type: 'DECKY.RECORD', uuid: context.decky.uuid, draft, status });
      }
    }),
    // entering idle or backingOff from an action: the outcome report already said so
    reportUnlessSettled: enqueueActions(({ context, enqueue }, params: { status: DeckyStatus }) => {
      if (context.current === null) enqueue.sendParent(availability(context, params.status));
    }),
    // the supervisor marks a decky acting when it sends a command at once; a delayed one asks
    reportStart: enqueueActions(({ context, event, enqueue }) => {
      if ((event.type === 'DECKY.SEND_TRAFFIC' || event.type === 'DECKY.PLANT_FILE') && event.ack) {
        enqueue.sendParent(availability(context, 'acting'));
      }
    }),
    // the system's one driver (invoked by the supervisor) runs the action and answers this decky
    runTraffic: enqueueActions(({ context, self, system, enqueue }) => {
      toDriver(system.get(DRIVER_ID), { type: 'DECKY.RUN_TRAFFIC', input: trafficInput(context), replyTo: self }, enqueue);
    }),
    runFile: enqueueActions(({ context, self, system, enqueue }) => {
      toDriver(system.get(DRIVER_ID), { type: 'DECKY.RUN_FILE', input: fileInput(context), replyTo: self }, enqueue);
    }),
    startTraffic: assign({
      current: ({ event }) => (event.type === 'DECKY.SEND_TRAFFIC' ? { kind: 'traffic' as const, dst: event.dst } : null),
    }),
    startFile: assign({ current: ({ event }) => (event.type === 'DECKY.PLANT_FILE' ? { kind: 'file' as const, plan: event.plan } : null) }),
    clearCurrent: assign({ current: null }),
    countSuccess: assign({ failures: 0, backoffs: 0, acted: ({ context }) => context.acted + 1 }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1, acted: ({ context }) => context.acted + 1 }),
    countBackoff: assign({ backoffs: ({ context }) => context.backoffs + 1 }),
    // failures counted while the engine was unreachable say nothing about the decky
    clearFailures: assign({ failures: 0 }),
    // after a backoff the decky is on probation: one more failure backs it off again, longer
    armProbation: assign({ failures: ({ context }) => Math.max(context.failureThreshold - 1, 0) }),
    updateDecky: assign({ decky: ({ context, event }) => (event.type === 'DECKY.UPDATE' ? event.decky : context.decky) }),
  },
  guards: {
    succeeded: (_, params: { outcome: ActionOutcome }) => params.outcome.success,
    reachesFailureThreshold: ({ context }) => context.failures + 1 >= context.failureThreshold,
  },
  delays: {
    retryBackoff: ({ context }) => backoffDelay(context),
  },
}).createMachine({
  id: 'decky',
  description: 'one running decky: acts on command through the system driver, backs off on repeated failure',
  context: ({ input }) => ({
    decky: input.decky,
    failureThreshold: input.failureThreshold ?? DEFAULTS.failureThreshold,
    backoffBaseMs: input.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
    backoffMaxMs: input.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
    failures: 0,
    backoffs: 0,
    current: null,
    acted: 0,
  }),
  initial: 'idle',
  on: {
    'DECKY.UPDATE': { actions: 'updateDecky' },
  },
  states: {
    idle: {
      description: 'available: the policy may pick this decky',
      entry: [{ type: 'reportUnlessSettled', params: { status: 'idle' } }, 'clearCurrent'],
      on: {
        'DECKY.SEND_TRAFFIC': { target: 'acting.sendingTraffic', actions: 'startTraffic' },
        'DECKY.PLANT_FILE': { target: 'acting.plantingFile', actions: 'startFile' },
      },
    },
    acting: {
      description: 'one driver call under way; commands that arrive now are refused by re-reporting',
      entry: 'reportStart',
      on: {
        'DECKY.SEND_TRAFFIC': { actions: { type: 'reportAvailability', params: { status: 'acting' } } },
        'DECKY.PLANT_FILE': { actions: { type: 'reportAvailability', params: { status: 'acting' } } },
        // the driver answers each command once; it runs one at a time, as the decky acts
        'DECKY.DRIVER_DONE': settleDone(),
        'DECKY.DRIVER_FAILED': settleError(),
      },
      initial: 'sendingTraffic',
      states: {
        sendingTraffic: { description: 'the SSH banner probe towards the destination (SPEC §3.1)', entry: 'runTraffic' },
        plantingFile: { description: 'the file plant on this decky (SPEC §3.2)', entry: 'runFile' },
      },
    },
    backingOff: {
      description: 'repeated failures: unavailable until `retryBackoff` passes (then on probation) or its engine is back',
      entry: [{ type: 'reportUnlessSettled', params: { status: 'backingOff' } }, 'clearCurrent'],
      on: {
        'DECKY.SEND_TRAFFIC': { actions: { type: 'reportAvailability', params: { status: 'backingOff' } } },
        'DECKY.PLANT_FILE': { actions: { type: 'reportAvailability', params: { status: 'backingOff' } } },
        'DECKY.RESUME': { target: 'idle', actions: 'clearFailures' },
      },
      after: { retryBackoff: { target: 'idle', actions: 'armProbation' } },
    },
  },
});

type Enqueue = { sendTo: (to: AnyActorRef, e: DriverCommand) => void; raise: (e: DriverReport) => void };
// without a driver in the system the action fails like any other, naming what is missing
function toDriver(driver: AnyActorRef | undefined, command: DriverCommand, enqueue: Enqueue): void {
  if (driver) enqueue.sendTo(driver, command);
  else enqueue.raise({ type: 'DECKY.DRIVER_FAILED', error: new Error(`not provided: ${DRIVER_ID}`) });
}

function availability(context: DeckyContext, status: DeckyStatus) {
  return { type: 'DECKY.AVAILABILITY' as const, uuid: context.decky.uuid, available: status === 'idle', status };
}

// the machine only enters a substate through the matching command, so `current` is set
function trafficInput(context: DeckyContext): SendTrafficInput {
  if (context.current?.kind !== 'traffic') throw new Error('sendingTraffic without a traffic action');
  return { src: context.decky, dst: context.current.dst };
}

function fileInput(context: DeckyContext): PlantFileInput {
  if (context.current?.kind !== 'file') throw new Error('plantingFile without a file action');
  return { dst: context.decky, plan: context.current.plan };
}

type DoneArgs = { event: Extract<DriverReport, { type: 'DECKY.DRIVER_DONE' }> };
type ErrorArgs = { context: DeckyContext; event: Extract<DriverReport, { type: 'DECKY.DRIVER_FAILED' }> };
function fromOutput({ event }: DoneArgs) {
  return { outcome: event.outcome };
}
function fromRejection({ context, event }: ErrorArgs) {
  return { outcome: rejectedOutcome(context.current, event.error) };
}

// the outcome report of a settle towards `status`
function emitTo(
  status: SettledStatus,
  from: typeof fromOutput,
): { type: 'emitOutcome'; params: (a: DoneArgs) => { outcome: ActionOutcome; status: SettledStatus } };
function emitTo(
  status: SettledStatus,
  from: typeof fromRejection,
): { type: 'emitOutcome'; params: (a: ErrorArgs) => { outcome: ActionOutcome; status: SettledStatus } };
function emitTo(status: SettledStatus, from: (a: never) => { outcome: ActionOutcome }) {
  return { type: 'emitOutcome' as const, params: (a: never) => ({ outcome: from(a).outcome, status }) };
}

// a finished action: success → idle; the threshold-th consecutive failure → backingOff; else idle
function settleDone() {
  return [
    {
      guard: { type: 'succeeded' as const, params: fromOutput },
      target: '#decky.idle',
      actions: [emitTo('idle', fromOutput), 'countSuccess' as const],
    },
    {
      guard: 'reachesFailureThreshold' as const,
      target: '#decky.backingOff',
      actions: [emitTo('backingOff', fromOutput), 'countFailure' as const, 'countBackoff' as const],
    },
    { target: '#decky.idle', actions: [emitTo('idle', fromOutput), 'countFailure' as const] },
  ];
}

// a driver actor that rejects is a failed action like any other, never a crash of the machine
function settleError() {
  return [
    {
      guard: 'reachesFailureThreshold' as const,
      target: '#decky.backingOff',
      actions: [emitTo('backingOff', fromRejection), 'countFailure' as const, 'countBackoff' as const],
    },
    { target: '#decky.idle', actions: [emitTo('idle', fromRejection), 'countFailure' as const] },
  ];
}
