import { errText } from '../../domain/err-text.js';
import type { DeckyReport, SettledStatus } from '../decky/decky.events.js';
import { log } from './supervisor.plan.js';
import { planRefill } from './supervisor.refill.js';
import type { Effect, HeartbeatParams, Plan, SupervisorContext } from './supervisor.types.js';

type Report<T extends DeckyReport['type']> = Extract<DeckyReport, { type: T }>;

/**
 * A decky's availability report: only idle deckies are picked (SPEC §2 backoff); an idle one
 * takes the next action at once while the last tick's demand is unmet (`planRefill`). The one planner
 * that updates `ctx.status` in place: reports are the most frequent event (two per action, one
 * per spawn), and copying the map on each made spawning N deckies cost O(N²).
 */
export function planAvailability(ctx: SupervisorContext, e: Report<'DECKY.AVAILABILITY'>): Plan {
  const before = ctx.status[e.uuid];
  // reports from actors we no longer own (or are restarting) are stale
  if (!(e.uuid in ctx.deckies) || before === 'restarting') return { patch: {}, effects: [] };
  const status = ctx.status;
  if (e.status === 'idle') delete status[e.uuid];
  else status[e.uuid] = e.status;
  const effects =
    e.status === 'backingOff' && before !== 'backingOff'
      ? [log('warn', 'decky backing off after repeated failures', { decky: e.uuid })]
      : [];
  // demand the last tick could not place goes to the first decky free to take it
  const refill = e.status === 'idle' ? planRefill(ctx, e.uuid) : null;
  return refill ?? { patch: { status }, effects };
}

/**
 * Traffic left its source: its one row (src and dst, SPEC §4.1) is recorded here, not routed
 * through the destination's actor (a round trip of two macrosteps that changed nothing of the
 * destination's state); then the source's settled status, as its availability report would.
 */
export function planTrafficSent(ctx: SupervisorContext, e: Report<'DECKY.TRAFFIC_SENT'>): Plan {
  return withSettled(ctx, { patch: {}, effects: [{ do: 'record', draft: e.draft }] }, e.src, e.status);
}

/** A decky's own file action: record its row and settle its status. */
export function planRecord(ctx: SupervisorContext, e: Report<'DECKY.RECORD'>): Plan {
  return withSettled(ctx, { patch: {}, effects: [{ do: 'record', draft: e.draft }] }, e.uuid, e.status);
}

// an outcome report's status, applied after its routing: the same plan as an availability report
// (which reads none of the fields routing patches, so `ctx` is not copied)
function withSettled(ctx: SupervisorContext, plan: Plan, uuid: string, status: SettledStatus): Plan {
  const settled = planAvailability(ctx, { type: 'DECKY.AVAILABILITY', uuid, available: status === 'idle', status });
  return { patch: { ...plan.patch, ...settled.patch }, effects: plan.effects.concat(settled.effects) };
}

/** A decky actor crashed: it is out of the policy until restarted after a growing backoff. */
export function planCrash(ctx: SupervisorContext, uuid: string, error: unknown): Plan {
  if (!(uuid in ctx.deckies)) return { patch: {}, effects: [] };
  const restarts = { ...ctx.restarts, [uuid]: (ctx.restarts[uuid] ?? 0) + 1 };
  return {
    patch: { restarts, status: { ...ctx.status, [uuid]: 'restarting' } },
    effects: [
      log('error', 'decky actor crashed; restarting with backoff', { decky: uuid, restarts: restarts[uuid], err: errText(error) }),
      { do: 'stop', uuid },
      { do: 'scheduleRestart', uuid },
    ],
  };
}

/** The restart timer of a crashed decky fired: spawn it again if it is still running. */
export function planRestart(ctx: SupervisorContext, uuid: string): Plan {
  const decky = ctx.deckies[uuid];
  if (!decky || ctx.status[uuid] !== 'restarting') return { patch: {}, effects: [] };
  return {
    patch: { status: { ...ctx.status, [uuid]: 'starting' } },
    effects: [{ do: 'spawn', decky }, log('info', 'decky actor restarted', { decky: uuid })],
  };
}

/**
 * Discovery synced after its engine had failed: deckies that backed off while the engine was away
 * failed through no fault of theirs, so they resume now instead of waiting out their backoff.
 */
export function planEngineRecovered(ctx: SupervisorContext, e: { recovered?: boolean }): Plan {
  if (!e.recovered) return { patch: {}, effects: [] };
  const resumed = Object.keys(ctx.deckies).filter((uuid) => ctx.status[uuid] === 'backingOff');
  return {
    patch: {},
    effects: [
      log('info', 'Docker engine answers again; resuming deckies that backed off', { resumed }),
      ...resumed.map((uuid) => ({ do: 'send' as const, uuid, command: { type: 'DECKY.RESUME' as const } })),
    ],
  };
}

/** The drain bound passed: count what is abandoned, drop what waits for its moment. */
export function planAbandon(ctx: SupervisorContext): Plan {
  const abandoned = Object.values(ctx.status).filter((s) => s === 'acting' || s === 'scheduled').length;
  const cancelled: Effect[] = Object.keys(ctx.status)
    .filter((uuid) => ctx.status[uuid] === 'scheduled')
    .map((uuid) => ({ do: 'cancelDispatch', uuid }));
  return {
    patch: { abandoned },
    effects: [...cancelled, log('warn', 'drain bound passed; abandoning in-flight actions', { abandoned })],
  };
}

/** True when nothing is in flight: no decky acting or scheduled. */
export function isQuiet(ctx: SupervisorContext): boolean {
  for (const uuid in ctx.status) {
    const s = ctx.status[uuid];
    if (s === 'acting' || s === 'scheduled') return false;
  }
  return true;
}

/** The actor counts a heartbeat carries (SPEC §5 `extra`). */
export function heartbeatOf(ctx: SupervisorContext): HeartbeatParams {
  const statuses = Object.keys(ctx.deckies).map((uuid) => ctx.status[uuid]);
  const count = (s: string | undefined) => statuses.filter((x) => x === s).length;
  return {
    actors: {
      deckies: statuses.length,
      idle: count(undefined),
      starting: count('starting'),
      // picked and not finished: running now, or waiting for its moment in the interval
      acting: count('acting') + count('scheduled'),
      backingOff: count('backingOff'),
      restarting: count('restarting'),
    },
    ticks: ctx.ticks,
    recorded: ctx.recorded,
  };
}
