import { humanDelay } from '../policy/cadence.js';
import { seededRng } from '../../domain/rng.js';
import { crashedChildId, type EmailgenEvent } from './emailgen.events.js';
import {
  heartbeatOf,
  planAbandon,
  planChildError,
  planDrainStart,
  planMailStatus,
  planPersonaStatus,
  planRecorded,
  planRefreshed,
} from './emailgen.plan.js';
import { log, planScope } from './emailgen.scope.js';
import { emailgenSetup } from './emailgen.setup.js';
import type { EmailgenContext, EmailgenInput } from './emailgen.types.js';
import { workerStates } from '../worker/worker.states.js';

const worker = workerStates<EmailgenContext, EmailgenEvent>();

/**
 * The emailgen worker's root actor (SPEC §6, §5): one mail decky actor per mail decky and one
 * persona actor per persona in scope; ticks with jitter and asks one eligible persona to write;
 * beats, prunes, and drains on stop. A child's failure is logged and the child respawned.
 */
export const emailgenMachine = emailgenSetup.createMachine({
  id: 'emailgen',
  description: 'spawns mail decky and persona actors from the scope, ticks, beats, prunes and drains',
  context: ({ input }) => initialContext(input),
  entry: worker.beat(heartbeatOf),
  on: {
    'EMAILGEN.HEARTBEAT': { actions: worker.beat(heartbeatOf) },
    'PERSONA.STATUS': { actions: { type: 'applyPlan', params: ({ context, event }) => planPersonaStatus(context, event) } },
    'MAIL.STATUS': { actions: { type: 'applyPlan', params: ({ context, event }) => planMailStatus(context, event) } },
    'MAIL.RECORDED': { actions: { type: 'applyPlan', params: ({ context, event }) => planRecorded(context, event) } },
    'GROUP.DROPPED': {
      actions: {
        type: 'log',
        params: ({ event }) => ({ level: 'warn', msg: 'no actor; command dropped', fields: { actor: event.id, command: event.command } }),
      },
    },
    // one child's failure never stops the system (STYLE "Errors")
    'xstate.error.actor.*': {
      actions: {
        type: 'applyPlan',
        params: ({ context, event }: ChildErrorArgs) => planChildError(context, crashedChildId(event.type), event.error),
      },
    },
  },
  initial: 'live',
  states: {
    live: {
      description: 'discovery keeps the inventory true while the schedule ticks',
      type: 'parallel',
      on: {
        'EMAILGEN.STOP': {
          target: 'draining',
          actions: { type: 'applyPlan', params: ({ event }) => ({ patch: { stopReason: event.reason ?? 'stop' }, effects: [] }) },
        },
        ...worker.degradedLogged,
      },
      states: {
        discovery: worker.discovery(),
        scope: worker.inventory({
          descriptions: {
            current: 'the actors match the last read of the scope',
            reading: 'a discovery sync changed the inventory: read mail deckies and personas, reconcile actors',
          },
          src: 'loadScope',
          input: { reuseMs: 0 },
          loaded: planScope,
          loadedEvent: { type: 'EMAILGEN.SCOPE_LOADED' },
          failed: 'scope read failed',
        }),
        schedule: {
          initial: 'syncing',
          states: {
            syncing: {
              description: 'no tick before the scope was read after a first discovery sync (or discovery degraded)',
              on: { 'EMAILGEN.SCOPE_LOADED': 'waiting', 'DISCOVERY.DEGRADED': 'waiting' },
            },
            ...worker.ticks({
              drain: '#emailgen.draining',
              refreshing: {
                description: 'reads the scope, reconciles actors, then asks one persona to write',
                src: 'loadScope',
                // nothing synced since the last read: a recent one serves (the sync above reads anew)
                input: ({ context }: { context: EmailgenContext }) => ({ reuseMs: context.scopeReuseMs }),
                plan: planRefreshed,
                atLimit: 'markTicksDone',
              },
              pruning: {
                description: 'every `pruneEveryTicks` ticks: keep the newest emails per mail decky (SPEC §4.3)',
                src: 'pruneEmails',
                pruned: 'emails pruned',
                failed: 'email prune failed',
              },
            }),
          },
        },
      },
    },
    draining: {
      description: 'no new emails; idle personas stop; waits for in-flight emails up to `drainTimeout`',
      entry: { type: 'applyPlan', params: ({ context }) => planDrainStart(context, context.stopReason ?? 'ticks') },
      on: {
        'DISCOVERY.SYNCED': {
          actions: { type: 'applyPlan', params: () => ({ patch: {}, effects: [log('debug', 'sync ignored while draining')] }) },
        },
      },
      ...worker.drainExits(planAbandon),
    },
    ...worker.finals('the `--ticks` limit was reached and in-flight emails settled'),
  },
  output: ({ context }) => ({
    reason: context.stopReason ?? 'stop',
    ticks: context.ticks,
    asked: context.asked,
    delivered: context.delivered,
    failed: context.failed,
    lost: context.lost,
    abandoned: context.abandoned,
  }),
});

function initialContext(input: EmailgenInput): EmailgenContext {
  const rng = seededRng(input.seed);
  const nextTickMs = humanDelay(input.intervalMs, rng);
  return {
    intervalMs: input.intervalMs,
    maxTicks: input.ticks ?? null,
    pruneEveryTicks: input.pruneEveryTicks ?? 100,
    resyncMs: input.resyncMs ?? 30_000,
    drainTimeoutMs: input.drainTimeoutMs ?? 10_000,
    settleTimeoutMs: input.settleTimeoutMs ?? 90_000,
    personaTuning: input.persona ?? {},
    mailTuning: input.mail ?? {},
    scope: {},
    mailStatus: {},
    personaStatus: {},
    personaDecky: {},
    reconcileDue: false,
    scopeReuseMs: input.scopeReuseMs ?? 0,
    ticks: 0,
    rngState: rng.state(),
    nextTickMs,
    now: null,
    stopReason: null,
    asked: 0,
    delivered: 0,
    failed: 0,
    lost: 0,
    abandoned: 0,
  };
}

type ChildErrorArgs = { context: EmailgenContext; event: { type: string; error?: unknown } };
