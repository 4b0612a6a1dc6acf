import { errText } from '../../domain/err-text.js';
import { DRIVER_ID } from '../decky/decky.types.js';
import { humanDelay } from '../policy/cadence.js';
import { seededRng } from '../../domain/rng.js';
import { crashedDeckyUuid, type SupervisorEvent } from './supervisor.events.js';
import { log, planRefreshed, planRunning, planStop } from './supervisor.plan.js';
import {
  heartbeatOf,
  planAbandon,
  planAvailability,
  planCrash,
  planEngineRecovered,
  planRecord,
  planRestart,
  planTrafficSent,
} from './supervisor.routing.js';
import { supervisorSetup } from './supervisor.setup.js';
import type { Plan, RunningSnapshot, SupervisorContext, SupervisorInput } from './supervisor.types.js';
import { workerStates } from '../worker/worker.states.js';

const worker = workerStates<SupervisorContext, SupervisorEvent>();

/**
 * The orchestrator's root actor (SPEC §2, §4.3, §5): one decky actor per running decky, ticks
 * with jitter, asks the pure policy, routes traffic between decky actors, records through the
 * one event writer, beats, prunes, and drains on stop.
 */
export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  description: 'spawns a decky actor per running decky, ticks the policy, records, beats and drains',
  context: ({ input }) => initialContext(input),
  invoke: [
    { src: 'eventWriter', id: 'eventWriter', systemId: 'eventWriter' },
    // one driver for all deckies' actions, as long as the supervisor lives (decky.driver.ts)
    { src: 'deckyDriver', id: DRIVER_ID, systemId: DRIVER_ID },
  ],
  entry: worker.beat(heartbeatOf),
  on: {
    'SUPERVISOR.HEARTBEAT': { actions: worker.beat(heartbeatOf) },
    'DECKY.AVAILABILITY': { actions: { type: 'applyPlan', params: ({ context, event }) => planAvailability(context, event) } },
    'DECKY.TRAFFIC_SENT': { actions: { type: 'applyPlan', params: ({ context, event }) => planTrafficSent(context, event) } },
    'DECKY.RECORD': { actions: { type: 'applyPlan', params: ({ context, event }) => planRecord(context, event) } },
    'SUPERVISOR.RESTART_DECKY': { actions: { type: 'applyPlan', params: ({ context, event }) => planRestart(context, event.uuid) } },
    // one decky's failure never stops the system: every child error lands here (STYLE "Errors")
    'xstate.error.actor.*': {
      actions: { type: 'applyPlan', params: ({ context, event }: ChildErrorArgs) => planChildError(context, event) },
    },
  },
  initial: 'live',
  states: {
    live: {
      description: 'discovery feeds the running set while the schedule ticks',
      type: 'parallel',
      on: {
        'SUPERVISOR.STOP': {
          target: 'draining',
          actions: { type: 'applyPlan', params: ({ context, event }) => planStop(context, event.reason ?? 'stop') },
        },
        ...worker.degradedLogged,
      },
      states: {
        discovery: worker.discovery(),
        inventory: worker.inventory({
          descriptions: {
            current: 'the decky actors match the last read of the running set',
            reading: 'a discovery sync changed the inventory: read the running set, reconcile actors',
          },
          src: 'listRunning',
          input: { reason: 'sync' },
          synced: planEngineRecovered,
          loaded: (context: SupervisorContext, output: RunningSnapshot) => withNow(planRunning(context, output.deckies), output.at),
          loadedEvent: { type: 'SUPERVISOR.INVENTORY_LOADED' },
          failed: 'inventory read failed',
        }),
        schedule: {
          initial: 'syncing',
          states: {
            syncing: {
              description: 'no tick before the running set was read after a first discovery sync (or discovery degraded, or `syncTimeout`)',
              // a discovery that never answers must not keep `--ticks N` from ever ending
              after: {
                syncTimeout: {
                  target: 'waiting',
                  actions: { type: 'log', params: { level: 'warn', msg: 'no discovery sync yet; ticking on the inventory' } },
                },
              },
              on: {
                'SUPERVISOR.INVENTORY_LOADED': 'waiting',
                'DISCOVERY.DEGRADED': {
                  target: 'waiting',
                  actions: {
                    type: 'log',
                    params: ({ event }) => ({
                      level: 'warn',
                      msg: 'discovery degraded before first sync; ticking on the inventory',
                      fields: { reason: event.reason },
                    }),
                  },
                },
              },
            },
            ...worker.ticks({
              drain: '#supervisor.draining',
              refreshing: {
                description: 'reads the running set, then runs one tick of the policy',
                src: 'listRunning',
                input: { reason: 'tick' },
                plan: planRefreshed,
              },
              pruning: {
                description: 'every `pruneEveryTicks` ticks: keep the newest rows per destination (SPEC §4.3)',
                src: 'pruneEvents',
                pruned: 'events pruned',
                failed: 'prune failed',
              },
            }),
          },
        },
      },
    },
    draining: {
      description: 'no new actions; waits for in-flight ones up to `drainTimeout`',
      entry: {
        type: 'log',
        params: ({ context }) => ({ level: 'info', msg: 'draining', fields: { reason: context.stopReason, ticks: context.ticks } }),
      },
      on: { 'SUPERVISOR.RESTART_DECKY': {}, 'DISCOVERY.SYNCED': {} },
      // one copy of the children map for all deckies, not one per decky as a final state's stop does
      exit: 'stopAllDeckies',
      ...worker.drainExits(planAbandon),
    },
    ...worker.finals('the `--ticks` limit was reached'),
  },
  output: ({ context }) => ({
    reason: context.stopReason ?? 'stop',
    ticks: context.ticks,
    abandoned: context.abandoned,
    recorded: context.recorded,
  }),
});

function initialContext(input: SupervisorInput): SupervisorContext {
  const rng = seededRng(input.seed);
  const nextTickMs = humanDelay(input.intervalMs, rng);
  return {
    intervalMs: input.intervalMs,
    ratePerDeckyPerHour: input.ratePerDeckyPerHour ?? null,
    density: input.actionsPerDeckyPerDay ? { actionsPerDay: input.actionsPerDeckyPerDay, timeZone: input.timeZone ?? 'UTC' } : null,
    maxTicks: input.ticks ?? null,
    pruneEveryTicks: input.pruneEveryTicks ?? 100,
    resyncMs: input.resyncMs ?? 30_000,
    trafficShare: input.trafficShare ?? 0.5,
    tuning: { failureThreshold: 3, backoffBaseMs: 60_000, backoffMaxMs: 30 * 60_000, ...input.decky },
    deckies: {},
    status: {},
    restarts: {},
    ticks: 0,
    rngState: rng.state(),
    nextTickMs,
    now: null,
    stopReason: null,
    abandoned: 0,
    recorded: 0,
    readFailures: 0,
    backlog: 0,
  };
}

function withNow(plan: Plan, at: string): Plan {
  return { patch: { ...plan.patch, now: at }, effects: plan.effects };
}

type ChildErrorArgs = { context: SupervisorContext; event: { type: string; error?: unknown } };

function planChildError(ctx: SupervisorContext, event: { type: string; error?: unknown }): Plan {
  const uuid = crashedDeckyUuid(event.type);
  if (uuid !== null) return planCrash(ctx, uuid, event.error);
  return {
    patch: {},
    effects: [log('error', 'child actor failed', { child: event.type.slice('xstate.error.actor.'.length), err: errText(event.error) })],
  };
}
