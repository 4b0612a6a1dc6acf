import type { DeckyReport } from '../decky/decky.events.js';
import { errText, flushPending, log } from './supervisor.plan.js';
import type { HeartbeatParams, Plan, SupervisorContext } from './supervisor.types.js';

type Report<T extends DeckyReport['type']> = Extract<DeckyReport, { type: T }>;

/** A decky's availability report: only idle deckies are picked (SPEC §2 backoff). */
export function planAvailability(ctx: SupervisorContext, e: Report<'DECKY.AVAILABILITY'>): Plan {
  // reports from actors we no longer own (or are restarting) are stale
  if (!(e.uuid in ctx.deckies) || ctx.status[e.uuid] === 'restarting') return { patch: {}, effects: [] };
  const status = { ...ctx.status };
  if (e.status === 'idle') delete status[e.uuid];
  else status[e.uuid] = e.status;
  const effects = e.status === 'backingOff' && ctx.status[e.uuid] !== 'backingOff'
    ? [log('warn', 'decky backing off after repeated failures', { decky: e.uuid })]
    : [];
  return { patch: { status }, effects };
}

/** Traffic left its source: hand it to the destination's actor, or record it when that is gone. */
export function planTrafficSent(ctx: SupervisorContext, e: Report<'DECKY.TRAFFIC_SENT'>): Plan {
  const live = e.dst in ctx.deckies && ctx.status[e.dst] !== 'restarting';
  if (!live) return { patch: {}, effects: [{ do: 'record', draft: e.draft }] };
  const arrivalId = String(ctx.seq);
  return {
    patch: { seq: ctx.seq + 1, pending: { ...ctx.pending, [arrivalId]: { dst: e.dst, draft: e.draft } } },
    effects: [{ do: 'send', uuid: e.dst, command: { type: 'DECKY.TRAFFIC_ARRIVED', arrivalId, src: e.src, draft: e.draft } }],
  };
}

/** A decky asks for a row to be recorded; a routed arrival is then no longer pending. */
export function planRecord(ctx: SupervisorContext, e: Report<'DECKY.RECORD'>): Plan {
  if (e.arrivalId === undefined) return { patch: {}, effects: [{ do: 'record', draft: e.draft }] };
  // an arrival flushed earlier (its actor was stopped) must not be written twice
  if (!(e.arrivalId in ctx.pending)) return { patch: {}, effects: [] };
  const pending = { ...ctx.pending };
  delete pending[e.arrivalId];
  return { patch: { pending }, effects: [{ do: 'record', draft: e.draft }] };
}

/** A decky actor crashed: it is out of the policy until restarted after a growing backoff. */
export function planCrash(ctx: SupervisorContext, uuid: string, error: unknown): Plan {
  if (!(uuid in ctx.deckies)) return { patch: {}, effects: [] };
  const restarts = { ...ctx.restarts, [uuid]: (ctx.restarts[uuid] ?? 0) + 1 };
  const flushed = flushPending(ctx.pending, (p) => p.dst === uuid);
  return {
    patch: { restarts, status: { ...ctx.status, [uuid]: 'restarting' }, pending: flushed.pending },
    effects: [
      log('error', 'decky actor crashed; restarting with backoff', { decky: uuid, restarts: restarts[uuid], err: errText(error) }),
      ...flushed.effects,
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

/** The drain bound passed: count what is abandoned, record what was routed but not recorded. */
export function planAbandon(ctx: SupervisorContext): Plan {
  const abandoned = Object.values(ctx.status).filter((s) => s === 'acting').length;
  const flushed = flushPending(ctx.pending, () => true);
  return {
    patch: { abandoned, pending: flushed.pending },
    effects: [...flushed.effects, log('warn', 'drain bound passed; abandoning in-flight actions', { abandoned })],
  };
}

/** True when nothing is in flight: no decky acting and no routed traffic unrecorded. */
export function isQuiet(ctx: SupervisorContext): boolean {
  return Object.keys(ctx.pending).length === 0 && !Object.values(ctx.status).includes('acting');
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
      acting: count('acting'),
      backingOff: count('backingOff'),
      restarting: count('restarting'),
    },
    ticks: ctx.ticks,
    recorded: ctx.recorded,
  };
}
