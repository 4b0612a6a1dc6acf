import type { DeckySource, RunningDecky } from '../../domain/decky.js';
import { actionsThisTick, humanDelay, poisson, rateAt } from '../policy/cadence.js';
import { planHumanFile } from '../realism/live-file.js';
import { everyonePairs, isSshEligible, pickEligible } from '../policy/pick.js';
import { seededRng } from '../../domain/rng.js';
import type { Effect, Plan, RunningSnapshot, SupervisorContext } from './supervisor.types.js';
import { errText } from '../../domain/err-text.js';

type SendEffect = Extract<Effect, { do: 'send' }>;

/**
 * Shortest interval whose actions are spread over it: below this a tick is already fine-grained,
 * and a timer per action would cost more than the burst it hides.
 */
export const SPREAD_MIN_MS = 1_000;

/** Reconciles the decky actors with a new running set: spawn new, stop gone, update changed. */
export function planRunning(ctx: SupervisorContext, running: readonly RunningDecky[]): Plan {
  const next: Record<string, RunningDecky> = {};
  for (const d of running) next[d.uuid] = d;
  const status = { ...ctx.status };
  const restarts = { ...ctx.restarts };
  const effects: Effect[] = [];
  const gone = Object.keys(ctx.deckies).filter((uuid) => !(uuid in next));
  for (const uuid of gone) {
    effects.push({ do: 'cancelRestart', uuid }, { do: 'stop', uuid });
    delete status[uuid];
    delete restarts[uuid];
  }
  const added: string[] = [];
  for (const d of Object.values(next)) {
    const before = ctx.deckies[d.uuid];
    if (!before) {
      added.push(d.uuid);
      status[d.uuid] = 'starting';
      effects.push({ do: 'spawn', decky: d });
    } else if (status[d.uuid] !== 'restarting' && changed(before, d)) {
      effects.push({ do: 'send', uuid: d.uuid, command: { type: 'DECKY.UPDATE', decky: d } });
    }
  }
  if (added.length > 0 || gone.length > 0) {
    effects.push(log('info', 'running set changed', { running: running.length, added, removed: gone }));
  }
  return { patch: { deckies: next, status, restarts }, effects };
}

/**
 * One tick (SPEC §2): how many actions (cadence), which ones (pick) among idle eligible deckies,
 * the commands to send, the idle line when nothing happens, and the jittered next delay. In rate
 * mode each command gets its own moment inside one mean interval (a Poisson process, not a
 * burst at the tick), except on the last tick of `--ticks` and below SPREAD_MIN_MS, where they
 * start at once. What the draw wants beyond the idle pool is the `backlog` (see planRefill).
 */
export function planTick(ctx: SupervisorContext): Plan {
  const rng = seededRng(ctx.rngState);
  const ticks = ctx.ticks + 1;
  const all = Object.values(ctx.deckies);
  const eligible = all.filter(isSshEligible);
  // filtered once; picked deckies leave it in place (order kept, so draws mean what they meant)
  const pool = eligible.filter((d) => !ctx.status[d.uuid]);
  const available = pool.length;
  const status = { ...ctx.status };
  const effects: Effect[] = [];
  const sends: SendEffect[] = [];
  const rate = rateAt(ctx.ratePerDeckyPerHour, ctx.density, ctx.now === null ? null : Date.parse(ctx.now));
  const cadence = { intervalMs: ctx.intervalMs, ...(rate === null ? {} : { ratePerDeckyPerHour: rate }) };
  // actionsThisTick's own draw, before its clamp to the pool: what the pool cannot take is backlog
  const wanted =
    rate === null || available === 0
      ? actionsThisTick(available, rng, cadence)
      : poisson((rate * available * ctx.intervalMs) / 3_600_000, rng);
  const slots = Math.min(wanted, available);
  // known once for the whole tick when true (a subset of such a pool pairs too); else per pick
  const pickOpts = { trafficShare: ctx.trafficShare, ...(pool.length > 0 && everyonePairs(pool) ? { everyonePairs: true } : {}) };
  const take = (d: RunningDecky) => {
    pool.splice(pool.indexOf(d), 1);
    status[d.uuid] = 'acting';
  };
  for (let i = 0; i < slots; i += 1) {
    const choice = pickEligible(pool, rng, pickOpts);
    if (!choice) break;
    if (choice.kind === 'traffic') {
      const dst = { uuid: choice.dst.uuid, name: choice.dst.name, ip: choice.dst.ip ?? '' };
      const send: SendEffect = { do: 'send', uuid: choice.src.uuid, command: { type: 'DECKY.SEND_TRAFFIC', dst } };
      effects.push(send);
      sends.push(send);
      take(choice.src);
      effects.push(log('debug', 'dispatched', { tick: ticks, kind: 'traffic', src: choice.src.uuid, dst: dst.uuid }));
    } else {
      // the file name carries the inventory read time: the machine itself has no clock
      if (ctx.now === null) break;
      // human names and bodies (§7), not the original epoch-numbered templates
      const plan = planHumanFile(rng, new Date(ctx.now), { host: choice.dst.name });
      const send: SendEffect = { do: 'send', uuid: choice.dst.uuid, command: { type: 'DECKY.PLANT_FILE', plan } };
      effects.push(send);
      sends.push(send);
      take(choice.dst);
      effects.push(log('debug', 'dispatched', { tick: ticks, kind: 'file', dst: choice.dst.uuid }));
    }
  }
  if (sends.length === 0) {
    effects.push(
      log('debug', 'tick idle', {
        tick: ticks,
        running: all.length,
        ssh_eligible: eligible.length,
        available,
        sources: countBySource(all),
      }),
    );
  }
  const last = ctx.maxTicks !== null && ticks >= ctx.maxTicks;
  const nextTickMs = humanDelay(ctx.intervalMs, rng);
  // over the mean interval the count was drawn for, not the next (exponential) gap: a short gap
  // would squeeze a whole interval's actions into it
  if (rate !== null && !last && ctx.intervalMs >= SPREAD_MIN_MS) {
    for (const send of sends) {
      send.delayMs = Math.floor(rng() * ctx.intervalMs);
      // delivered later: the decky says when it starts, so a stop tells waiting from running
      Object.assign(send.command, { ack: true });
      status[send.uuid] = 'scheduled';
    }
  }
  // rngState is read last so the next tick continues the sequence after every draw above
  // rate mode: unmet demand is placed as deckies free up (planRefill); a tick that found nobody
  // idle keeps the previous backlog, since everyone is busy working it off
  const backlog = rate === null || last ? 0 : available === 0 ? ctx.backlog : Math.max(0, wanted - sends.length);
  const patch: Partial<SupervisorContext> = { ticks, status, nextTickMs, rngState: rng.state(), backlog };
  if (last) patch.stopReason = 'ticks';
  return { patch, effects };
}

/**
 * A stop command: remember why, and drop the commands still waiting for their moment (nothing
 * started yet, so nothing is abandoned); in-flight actions drain.
 */
export function planStop(ctx: SupervisorContext, reason: string): Plan {
  const status = { ...ctx.status };
  const effects: Effect[] = [];
  for (const [uuid, s] of Object.entries(ctx.status)) {
    if (s !== 'scheduled') continue;
    delete status[uuid];
    effects.push({ do: 'cancelDispatch', uuid });
  }
  return { patch: { stopReason: reason, status, backlog: 0 }, effects };
}

/** A tick after reading the inventory: reconcile with what was read (if anything), then tick. */
export function planRefreshed(ctx: SupervisorContext, snapshot: RunningSnapshot | null, error?: unknown): Plan {
  // a reused read changes nothing, and reconciling 10,000 deckies is a visible pause of the loop
  const first: Plan = snapshot && snapshot.fresh !== false ? planRunning(ctx, snapshot.deckies) : { patch: {}, effects: [] };
  // a store that stays locked fails every tick the same way: warn once, then on recovery
  if (!snapshot) {
    first.effects.push(
      log(ctx.readFailures === 0 ? 'warn' : 'debug', 'inventory read failed; ticking on the last known set', { err: errText(error) }),
    );
    first.patch.readFailures = ctx.readFailures + 1;
  } else if (ctx.readFailures > 0) {
    first.effects.push(log('info', 'inventory read recovered', { failedTicks: ctx.readFailures }));
    first.patch.readFailures = 0;
  }
  const merged = { ...ctx, ...first.patch, ...(snapshot ? { now: snapshot.at } : {}) };
  const second = planTick(merged);
  return {
    patch: { ...first.patch, ...(snapshot ? { now: snapshot.at } : {}), ...second.patch },
    effects: [...first.effects, ...second.effects],
  };
}

/** A log effect. */
export function log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): Effect {
  return { do: 'log', params: { level, msg, ...(fields ? { fields } : {}) } };
}

/** Text of an unknown error, for logs. */

function changed(a: RunningDecky, b: RunningDecky): boolean {
  return a.ip !== b.ip || a.name !== b.name || !sameList(a.services, b.services);
}

// every tick compares the whole running set: element-wise, not through JSON.stringify
function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

function countBySource(all: readonly RunningDecky[]): Record<DeckySource, number> {
  const out: Record<DeckySource, number> = { topology: 0, fleet: 0, shard: 0 };
  for (const d of all) out[d.source] = (out[d.source] ?? 0) + 1;
  return out;
}
