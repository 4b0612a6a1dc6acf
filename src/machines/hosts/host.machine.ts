import { assign, type EventObject, fromCallback, fromPromise, raise, sendParent, setup } from 'xstate';
import {
  type HostContext,
  type HostEvent,
  type HostInput,
  type HostLogParams,
  hostRetryDelay,
  type MarkUnreachableInput,
  type ProbeResult,
} from './host.types.js';
import { errText } from '../../domain/err-text.js';
import { notProvided } from '../not-provided.js';

/**
 * One swarm host's Docker engine (issue 6): probed before anything else; while it answers, its
 * discovery keeps `decky_shards` true and a liveness look runs on the side; when it stops
 * answering, its deckies leave the running set and the actor retries with a growing backoff.
 * It never touches the engine itself: every effect is a named actor, provided by the runtime.
 */
export const hostMachine = setup({
  types: {
    input: {} as HostInput,
    context: {} as HostContext,
    events: {} as HostEvent,
  },
  actors: {
    probe: fromPromise<ProbeResult, { hostUuid: string }>(notProvided('probe')),
    discovery: fromCallback<EventObject, { resyncMs: number; hostUuid: string }>(notProvided('discovery')),
    markOnline: fromPromise<void, { hostUuid: string }>(notProvided('markOnline')),
    markUnreachable: fromPromise<number, MarkUnreachableInput>(notProvided('markUnreachable')),
  },
  actions: {
    log: (_, _params: HostLogParams) => notProvided('log')(),
    // upward unchanged: the supervisor re-reads the running set on every sync, from any host
    forward: sendParent(({ event }) => event),
    noteFailure: assign({
      failures: ({ context }) => context.failures + 1,
      lastError: (_, params: { reason: string }) => params.reason,
    }),
    clearFailures: assign({ failures: 0, lastError: null, deckiesOut: false }),
    noteDeckiesOut: assign({ deckiesOut: true }),
  },
  guards: {
    answered: (_, params: { result: ProbeResult }) => params.result.ok,
    deckiesAreOut: ({ context }) => context.deckiesOut,
  },
  delays: {
    retryBackoff: ({ context }) => hostRetryDelay(context.failures),
    livenessInterval: 15_000,
  },
}).createMachine({
  id: 'host',
  description: 'probes one swarm host, runs its discovery while it answers, backs off while it does not',
  context: ({ input }) => ({ host: input.host, resyncMs: input.resyncMs, failures: 0, lastError: null, deckiesOut: false }),
  initial: 'probing',
  states: {
    probing: {
      description: 'asks the engine whether it answers before discovering anything on it',
      invoke: {
        src: 'probe',
        input: ({ context }) => ({ hostUuid: context.host.uuid }),
        onDone: [
          { guard: { type: 'answered', params: ({ event }) => ({ result: event.output }) }, target: 'online' },
          {
            target: 'unreachable',
            actions: { type: 'noteFailure', params: ({ event }) => ({ reason: event.output.reason ?? 'no answer' }) },
          },
        ],
        onError: { target: 'unreachable', actions: { type: 'noteFailure', params: ({ event }) => ({ reason: errText(event.error) }) } },
      },
    },
    online: {
      description: 'discovery reconciles this host into decky_shards; a liveness look catches a silent engine',
      type: 'parallel',
      entry: [
        {
          type: 'log',
          params: ({ context }) => ({
            level: 'info',
            msg: 'swarm host answers',
            fields: { host: context.host.name, hostUuid: context.host.uuid, after: context.failures },
          }),
        },
        'clearFailures',
      ],
      on: {
        'DISCOVERY.SYNCED': { actions: 'forward' },
        // the event stream broke: look at the engine before trusting discovery's own retries
        'DISCOVERY.DEGRADED': { target: 'checking', actions: 'forward' },
        'HOST.LOST': { target: 'unreachable', actions: { type: 'noteFailure', params: ({ event }) => ({ reason: event.reason }) } },
      },
      states: {
        discovering: {
          description: 'the discovery actor for this engine (labels, event stream, resync)',
          invoke: {
            src: 'discovery',
            id: 'discovery',
            input: ({ context }) => ({ resyncMs: context.resyncMs, hostUuid: context.host.uuid }),
            onError: {
              target: '#host.checking',
              actions: {
                type: 'log',
                params: ({ event }) => ({ level: 'error', msg: 'swarm host discovery failed', fields: { err: errText(event.error) } }),
              },
            },
          },
        },
        recording: {
          description: 'records the host as online (state, last_seen)',
          initial: 'saving',
          states: {
            saving: {
              invoke: {
                src: 'markOnline',
                input: ({ context }) => ({ hostUuid: context.host.uuid }),
                onDone: 'saved',
                onError: {
                  target: 'saved',
                  actions: {
                    type: 'log',
                    params: ({ event }) => ({
                      level: 'warn',
                      msg: 'could not record swarm host online',
                      fields: { err: errText(event.error) },
                    }),
                  },
                },
              },
            },
            saved: {},
          },
        },
        liveness: {
          description: 'every `livenessInterval`, one probe; a failed one means the host is lost',
          initial: 'waiting',
          states: {
            waiting: { after: { livenessInterval: 'looking' } },
            looking: {
              invoke: {
                src: 'probe',
                input: ({ context }) => ({ hostUuid: context.host.uuid }),
                onDone: [
                  { guard: { type: 'answered', params: ({ event }) => ({ result: event.output }) }, target: 'waiting' },
                  { actions: raise(({ event }) => ({ type: 'HOST.LOST' as const, reason: event.output.reason ?? 'no answer' })) },
                ],
                onError: { actions: raise(({ event }) => ({ type: 'HOST.LOST' as const, reason: errText(event.error) })) },
              },
            },
          },
        },
      },
    },
    checking: {
      description: 'discovery degraded: one probe decides between watching again and unreachable',
      invoke: {
        src: 'probe',
        input: ({ context }) => ({ hostUuid: context.host.uuid }),
        onDone: [
          { guard: { type: 'answered', params: ({ event }) => ({ result: event.output }) }, target: 'online' },
          {
            target: 'unreachable',
            actions: { type: 'noteFailure', params: ({ event }) => ({ reason: event.output.reason ?? 'no answer' }) },
          },
        ],
        onError: { target: 'unreachable', actions: { type: 'noteFailure', params: ({ event }) => ({ reason: errText(event.error) }) } },
      },
    },
    unreachable: {
      description: 'its deckies leave the running set; after `retryBackoff` the engine is probed again',
      initial: 'deciding',
      entry: {
        type: 'log',
        params: ({ context }) => ({
          level: 'warn',
          msg: 'swarm host unreachable; its deckies leave the running set',
          fields: { host: context.host.name, hostUuid: context.host.uuid, failures: context.failures, reason: context.lastError },
        }),
      },
      after: { retryBackoff: 'probing' },
      states: {
        deciding: {
          description: 'its deckies are taken out once per outage, not at every retry',
          always: [{ guard: 'deckiesAreOut', target: 'marked' }, { target: 'marking' }],
        },
        marking: {
          description: 'takes its deckies out of the running set',
          invoke: {
            src: 'markUnreachable',
            input: ({ context }) => ({ hostUuid: context.host.uuid, reason: context.lastError ?? 'no answer' }),
            // a sync report makes the supervisor re-read the running set, now without these deckies
            onDone: {
              target: 'marked',
              actions: [
                'noteDeckiesOut',
                sendParent(({ context }) => ({ type: 'DISCOVERY.SYNCED', hostUuid: context.host.uuid, running: 0, deckies: 0 })),
              ],
            },
            onError: {
              target: 'marked',
              actions: {
                type: 'log',
                params: ({ event }) => ({
                  level: 'error',
                  msg: 'could not mark swarm host unreachable',
                  fields: { err: errText(event.error) },
                }),
              },
            },
          },
        },
        marked: { description: 'waits for the retry' },
      },
    },
  },
});
