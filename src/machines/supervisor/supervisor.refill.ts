import type { RunningDecky } from '../../domain/decky.js';
import { canExchangeTraffic, isSshEligible } from '../policy/pick.js';
import { seededRng } from '../../domain/rng.js';
import { planHumanFile } from '../realism/live-file.js';
import { log } from './supervisor.plan.js';
import type { Effect, SupervisorContext } from './supervisor.types.js';

// the eligible list of one running set: `deckies` is replaced (never mutated) on every read, so
// the list is computed once per read, not once per refill
const eligibleCache = new WeakMap<Record<string, RunningDecky>, RunningDecky[]>();

/** The SSH-eligible deckies of a running set, computed once per set. */
export function eligibleOf(deckies: Record<string, RunningDecky>): RunningDecky[] {
  let list = eligibleCache.get(deckies);
  if (!list) {
    list = Object.values(deckies).filter(isSshEligible);
    eligibleCache.set(deckies, list);
  }
  return list;
}

/**
 * Work-conserving dispatch (rate mode): the last tick wanted more actions than it had idle
 * deckies for (`backlog`), so a decky that reports idle is given the next one at once instead of
 * waiting for the next tick. Same policy as a tick (SPEC §2): traffic by `trafficShare` from this
 * decky to a distinct eligible peer it can reach, else a file on it. Null when nothing is due.
 */
export function planRefill(ctx: SupervisorContext, uuid: string): { patch: Partial<SupervisorContext>; effects: Effect[] } | null {
  if (ctx.backlog <= 0 || ctx.stopReason !== null || ctx.now === null) return null;
  const decky = ctx.deckies[uuid];
  if (!decky || !isSshEligible(decky)) return null;
  const rng = seededRng(ctx.rngState);
  const eligible = eligibleOf(ctx.deckies);
  const effects: Effect[] = [];
  const dst = rng() < ctx.trafficShare ? peerOf(decky, eligible, rng) : null;
  if (dst) {
    const peer = { uuid: dst.uuid, name: dst.name, ip: dst.ip ?? '' };
    effects.push({ do: 'send', uuid, command: { type: 'DECKY.SEND_TRAFFIC', dst: peer } });
    effects.push(log('debug', 'dispatched', { refill: true, kind: 'traffic', src: uuid, dst: peer.uuid }));
  } else {
    // the same human file plan a tick draws (§7); the file name carries the last inventory read time
    const plan = planHumanFile(rng, new Date(ctx.now), { host: decky.name });
    effects.push({ do: 'send', uuid, command: { type: 'DECKY.PLANT_FILE', plan } });
    effects.push(log('debug', 'dispatched', { refill: true, kind: 'file', dst: uuid }));
  }
  // status is updated in place like every availability report (see planAvailability)
  ctx.status[uuid] = 'acting';
  return { patch: { status: ctx.status, backlog: ctx.backlog - 1, rngState: rng.state() }, effects };
}

// a uniformly drawn eligible peer ≠ src that src can reach, or null; O(1) when everyone shares
// src's host (a few draws), O(n) only on mixed multi-host fleets
function peerOf(src: RunningDecky, eligible: readonly RunningDecky[], rng: () => number): RunningDecky | null {
  if (eligible.length < 2) return null;
  for (let i = 0; i < 4; i += 1) {
    const d = eligible[Math.min(Math.floor(rng() * eligible.length), eligible.length - 1)]!;
    if (d.uuid !== src.uuid && canExchangeTraffic(src, d)) return d;
  }
  const partners = eligible.filter((d) => d.uuid !== src.uuid && canExchangeTraffic(src, d));
  return partners.length === 0 ? null : partners[Math.min(Math.floor(rng() * partners.length), partners.length - 1)]!;
}
