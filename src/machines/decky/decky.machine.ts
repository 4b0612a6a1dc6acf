import { assign, type DoneActorEvent, type ErrorActorEvent, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import type { DeckyEvent } from './decky.events.js';
import { backoffDelay, draftOf, rejectedOutcome } from './decky.outcome.js';
import type {
  ActionOutcome,
  DeckyContext,
  DeckyInput,
  DeckyStatus,
  PlantFileInput,
  SendTrafficInput,
} from './decky.types.js';

const DEFAULTS = { failureThreshold: 3, backoffBaseMs: 60_000, backoffMaxMs: 30 * 60_000 };

/**
 * One running decky's life (SPEC §2): idle → acting → idle; after `failureThreshold` consecutive
 * failures it backs off (exponential, capped) and reports itself unavailable so it is not picked.
 * As a traffic destination it records the inbound side. It talks only to its parent.
 */
export const deckyMachine = setup({
  types: {
    input: {} as DeckyInput,
    context: {} as DeckyContext,
    events: {} as DeckyEvent,
  },
  actors: {
    sendTraffic: fromPromise<ActionOutcome, SendTrafficInput>(async () => {
      throw new Error('not provided: sendTraffic');
    }),
    plantFile: fromPromise<ActionOutcome, PlantFileInput>(async () => {
      throw new Error('not provided: plantFile');
    }),
  },
  actions: {
    reportAvailability: sendParent(({ context }, params: { status: DeckyStatus }) => ({
      type: 'DECKY.AVAILABILITY',
      uuid: context.decky.uuid,
      available: params.status === 'idle',
      status: params.status,
    })),
    emitOutcome: enqueueActions(({ context, enqueue }, params: { outcome: ActionOutcome }) => {
      const draft = draftOf(context, params.outcome);
      // traffic is a message to the destination's actor, which records it; files are ours
      if (context.current?.kind === 'traffic') {
        enqueue.sendParent({ type: 'DECKY.TRAFFIC_SENT', src: context.decky.uuid, dst: draft.dstDeckyUuid, draft });
      } else {
        enqueue.sendParent({ type: 'DECKY.RECORD', uuid: context.decky.uuid, draft });
      }
    }),
    recordArrival: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'DECKY.TRAFFIC_ARRIVED') return;
      enqueue.assign({ received: context.received + 1 });
      enqueue.sendParent({ type: 'DECKY.RECORD', uuid: context.decky.uuid, draft: event.draft, arrivalId: event.arrivalId });
    }),
    startTraffic: assign({ current: ({ event }) => (event.type === 'DECKY.SEND_TRAFFIC' ? { kind: 'traffic' as const, dst: event.dst } : null) }),
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
  description: 'one running decky: acts on command, records inbound traffic, backs off on repeated failure',
  context: ({ input }) => ({
    decky: input.decky,
    failureThreshold: input.failureThreshold ?? DEFAULTS.failureThreshold,
    backoffBaseMs: input.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
    backoffMaxMs: input.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
    failures: 0,
    backoffs: 0,
    current: null,
    acted: 0,
    received: 0,
  }),
  initial: 'idle',
  on: {
    'DECKY.TRAFFIC_ARRIVED': { actions: 'recordArrival' },
    'DECKY.UPDATE': { actions: 'updateDecky' },
  },
  states: {
    idle: {
      description: 'available: the policy may pick this decky',
      entry: ['clearCurrent', { type: 'reportAvailability', params: { status: 'idle' } }],
      on: {
        'DECKY.SEND_TRAFFIC': { target: 'acting.sendingTraffic', actions: 'startTraffic' },
        'DECKY.PLANT_FILE': { target: 'acting.plantingFile', actions: 'startFile' },
      },
    },
    acting: {
      description: 'one driver call under way; commands that arrive now are refused by re-reporting',
      entry: { type: 'reportAvailability', params: { status: 'acting' } },
      on: {
        'DECKY.SEND_TRAFFIC': { actions: { type: 'reportAvailability', params: { status: 'acting' } } },
        'DECKY.PLANT_FILE': { actions: { type: 'reportAvailability', params: { status: 'acting' } } },
      },
      initial: 'sendingTraffic',
      states: {
        sendingTraffic: {
          description: 'the SSH banner probe towards the destination (SPEC §3.1)',
          invoke: { src: 'sendTraffic', input: ({ context }) => trafficInput(context), onDone: settleDone(), onError: settleError() },
        },
        plantingFile: {
          description: 'the file plant on this decky (SPEC §3.2)',
          invoke: { src: 'plantFile', input: ({ context }) => fileInput(context), onDone: settleDone(), onError: settleError() },
        },
      },
    },
    backingOff: {
      description: 'repeated failures: unavailable until `retryBackoff` passes (then on probation) or its engine is back',
      entry: ['clearCurrent', { type: 'reportAvailability', params: { status: 'backingOff' } }],
      on: {
        'DECKY.SEND_TRAFFIC': { actions: { type: 'reportAvailability', params: { status: 'backingOff' } } },
        'DECKY.PLANT_FILE': { actions: { type: 'reportAvailability', params: { status: 'backingOff' } } },
        'DECKY.RESUME': { target: 'idle', actions: 'clearFailures' },
      },
      after: { retryBackoff: { target: 'idle', actions: 'armProbation' } },
    },
  },
});

// the machine only enters a substate through the matching command, so `current` is set
function trafficInput(context: DeckyContext): SendTrafficInput {
  if (context.current?.kind !== 'traffic') throw new Error('sendingTraffic without a traffic action');
  return { src: context.decky, dst: context.current.dst };
}

function fileInput(context: DeckyContext): PlantFileInput {
  if (context.current?.kind !== 'file') throw new Error('plantingFile without a file action');
  return { dst: context.decky, plan: context.current.plan };
}

type DoneArgs = { event: DoneActorEvent<ActionOutcome> };
type ErrorArgs = { context: DeckyContext; event: ErrorActorEvent };
function fromOutput({ event }: DoneArgs) {
  return { outcome: event.output };
}
function fromRejection({ context, event }: ErrorArgs) {
  return { outcome: rejectedOutcome(context.current, event.error) };
}

// a finished action: success → idle; the threshold-th consecutive failure → backingOff; else idle
function settleDone() {
  const emit = { type: 'emitOutcome' as const, params: fromOutput };
  return [
    { guard: { type: 'succeeded' as const, params: fromOutput }, target: '#decky.idle', actions: [emit, 'countSuccess' as const] },
    { guard: 'reachesFailureThreshold' as const, target: '#decky.backingOff', actions: [emit, 'countFailure' as const, 'countBackoff' as const] },
    { target: '#decky.idle', actions: [emit, 'countFailure' as const] },
  ];
}

// a driver actor that rejects is a failed action like any other, never a crash of the machine
function settleError() {
  const emit = { type: 'emitOutcome' as const, params: fromRejection };
  return [
    { guard: 'reachesFailureThreshold' as const, target: '#decky.backingOff', actions: [emit, 'countFailure' as const, 'countBackoff' as const] },
    { target: '#decky.idle', actions: [emit, 'countFailure' as const] },
  ];
}
