import { and, type DoneActorEvent, type ErrorActorEvent, type EventObject, type MachineContext, raise } from 'xstate';
import { errText } from '../../domain/err-text.js';
import type { DiscoveryReport } from './worker.events.js';
import type { LogParams } from './worker.types.js';

// `log`, its params computed from the event
function logOf<E>(params: (event: E) => LogParams) {
  return { type: 'log' as const, params: ({ event }: { event: E }) => params(event) };
}

// `applyPlan`, its plan computed from context and event
function planOf<C, E, P>(plan: (context: C, event: E) => P) {
  return { type: 'applyPlan' as const, params: ({ context, event }: { context: C; event: E }) => plan(context, event) };
}

/** What differs between the inventory regions of two workers. */
interface InventoryRegion<C, E, P, O, S extends string, I> {
  descriptions: { current: string; reading: string };
  /** the reader actor and its input for a read after a sync */
  src: S;
  input: I;
  /** a plan for every sync seen (optional) */
  synced?: (context: C, event: Extract<DiscoveryReport, { type: 'DISCOVERY.SYNCED' }>) => P;
  /** the plan for what was read */
  loaded: (context: C, output: O) => P;
  /** raised after a read, so the schedule may tick */
  loadedEvent: E;
  /** the warning when a read fails */
  failed: string;
}

/** What differs between the tick states of two workers. */
interface TickStates<C, P, O, S extends string, I, A extends string, SP extends string> {
  /** where the last tick goes: `#<machine id>.draining` */
  drain: `#${string}.draining`;
  refreshing: {
    description: string;
    src: S;
    input: I;
    /** one tick after the read, or after its failure (`output` null) */
    plan: (context: C, output: O | null, error?: unknown) => P;
    /** an action after the plan of the last tick */
    atLimit?: A;
  };
  pruning: { description: string; src: SP; pruned: string; failed: string };
}

/**
 * The state configs both worker root machines (orchestrate, emailgen) share, for a machine of
 * context `C` and events `E`. A machine spreads them into its own config, so xstate checks every
 * action, guard, delay and actor name they use against that machine's setup.
 */
export function workerStates<C extends MachineContext & { resyncMs: number }, E extends EventObject>() {
  return {
    /** Publish a heartbeat now and schedule the next one (the root's entry and heartbeat event). */
    beat<H>(heartbeatOf: (context: C) => H) {
      return [
        { type: 'publishHeartbeat' as const, params: ({ context }: { context: C }) => heartbeatOf(context) },
        'scheduleHeartbeat' as const,
      ];
    },

    /** `live.on`'s line for a degraded discovery; not logged while `syncing` takes the event (a region wins over its parent). */
    degradedLogged: {
      'DISCOVERY.DEGRADED': {
        actions: logOf((e: { reason: string }) => ({ level: 'warn', msg: 'discovery degraded', fields: { reason: e.reason } })),
      },
    },

    /**
     * The `discovery` region: the discovery actor watches the engine; its failure is logged,
     * reported as DISCOVERY.DEGRADED, and watching starts again after `discoveryBackoff`.
     */
    discovery() {
      return {
        initial: 'watching' as const,
        states: {
          watching: {
            description: 'the discovery actor reconciles the inventory with the engine (SPEC §1.3)',
            invoke: {
              src: 'discovery' as const,
              id: 'discovery',
              input: ({ context }: { context: C }) => ({ resyncMs: context.resyncMs }),
              onError: {
                target: 'recovering',
                actions: [
                  logOf((e: ErrorActorEvent) => ({
                    level: 'error',
                    msg: 'discovery actor failed; restarting',
                    fields: { err: errText(e.error) },
                  })),
                  // E includes DiscoveryReport in both workers, and a type parameter cannot say so
                  raise<C, ErrorActorEvent, E, undefined>(
                    ({ event }) =>
                      ({ type: 'DISCOVERY.DEGRADED', reason: errText(event.error) }) satisfies DiscoveryReport as EventObject as E,
                  ),
                ],
              },
            },
          },
          recovering: { description: 'waits `discoveryBackoff` before watching again', after: { discoveryBackoff: 'watching' } },
        },
      };
    },

    /**
     * The inventory region: `current` until a discovery sync, then `reading` (a sync during the
     * read restarts it, so the last sync is always seen), then reconcile and raise `loadedEvent`.
     */
    inventory<P, O, const S extends string, const I>(r: InventoryRegion<C, E, P, O, S, I>) {
      const synced = r.synced ? { actions: planOf(r.synced) } : {};
      return {
        initial: 'current' as const,
        states: {
          current: { description: r.descriptions.current, on: { 'DISCOVERY.SYNCED': { target: 'reading', ...synced } } },
          reading: {
            description: r.descriptions.reading,
            on: { 'DISCOVERY.SYNCED': { target: 'reading', reenter: true, ...synced } },
            invoke: {
              src: r.src,
              input: r.input,
              onDone: {
                target: 'current',
                actions: [
                  planOf((c: C, e: DoneActorEvent<O>) => r.loaded(c, e.output)),
                  raise<C, DoneActorEvent<O>, E, undefined>(r.loadedEvent),
                ],
              },
              onError: {
                target: 'current',
                actions: logOf((e: ErrorActorEvent) => ({ level: 'warn', msg: r.failed, fields: { err: errText(e.error) } })),
              },
            },
          },
        },
      };
    },

    /**
     * The schedule's ticking states: `waiting` for the jittered `tickInterval`, `refreshing` (read,
     * plan one tick; the last tick drains, every `pruneEveryTicks`-th prunes), `pruning`.
     */
    ticks<P, O, const S extends string, const I, const A extends string = never, const SP extends string = never>(
      t: TickStates<C, P, O, S, I, A, SP>,
    ) {
      const { plan, atLimit } = t.refreshing;
      // the same plan whichever way the tick goes; only the target differs
      const ladder = <X>(apply: X) => [
        { guard: 'reachesTickLimit' as const, target: t.drain, actions: atLimit === undefined ? [apply] : [apply, atLimit] },
        { guard: 'isPruneDue' as const, target: 'pruning', actions: apply },
        { target: 'waiting', actions: apply },
      ];
      return {
        waiting: { description: 'until the jittered `tickInterval` passes', after: { tickInterval: 'refreshing' } },
        refreshing: {
          description: t.refreshing.description,
          invoke: {
            src: t.refreshing.src,
            input: t.refreshing.input,
            onDone: ladder(planOf((c: C, e: DoneActorEvent<O>) => plan(c, e.output))),
            onError: ladder(planOf((c: C, e: ErrorActorEvent) => plan(c, null, e.error))),
          },
        },
        pruning: {
          description: t.pruning.description,
          invoke: {
            src: t.pruning.src,
            onDone: {
              target: 'waiting',
              actions: logOf((e: DoneActorEvent<number>) => ({ level: 'info', msg: t.pruning.pruned, fields: { removed: e.output } })),
            },
            onError: {
              target: 'waiting',
              actions: logOf((e: ErrorActorEvent) => ({ level: 'warn', msg: t.pruning.failed, fields: { err: errText(e.error) } })),
            },
          },
        },
      };
    },

    /**
     * The drain's way out: to `done` when stopped by `--ticks`, else `stopped`, once nothing is
     * in flight (`isQuiet`) or when `drainTimeout` passes, abandoning what still runs.
     */
    drainExits<P>(abandon: (context: C) => P) {
      const apply = planOf((c: C) => abandon(c));
      return {
        always: [
          { guard: and(['isQuiet', 'stoppedByTicks']), target: 'done' },
          { guard: 'isQuiet' as const, target: 'stopped' },
        ],
        after: {
          drainTimeout: [
            { guard: 'stoppedByTicks' as const, target: 'done', actions: apply },
            { target: 'stopped', actions: apply },
          ],
        },
      };
    },

    /** The two final states; `done` says what the `--ticks` limit waits for. */
    finals(done: string) {
      return {
        stopped: { type: 'final' as const, description: 'stopped on command (control message or signal)' },
        done: { type: 'final' as const, description: done },
      };
    },
  };
}
