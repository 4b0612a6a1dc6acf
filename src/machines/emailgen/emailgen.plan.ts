import { pickOne } from '../../domain/rng.js';
import { pickRecipient } from '../email/threads.js';
import type { Persona } from '../../domain/persona.js';
import type { MailReport } from '../mail/mail.events.js';
import { mailActorId } from '../mail/mail.events.js';
import type { PersonaReport } from '../persona/persona.events.js';
import { personaActorId } from '../persona/persona.events.js';
import { activeAt } from '../persona/persona.schedule.js';
import { humanDelay } from '../policy/cadence.js';
import { seededRng } from '../../domain/rng.js';
import { groupOf, groupOfActor, isGroupId } from './emailgen.group.js';
import { log, planScope } from './emailgen.scope.js';
import type { EmailgenContext, EmailgenEffect, EmailgenHeartbeat, EmailgenPlan, ScopeSnapshot } from './emailgen.types.js';
import { errText } from '../../domain/err-text.js';

const IDLE: ReadonlySet<string> = new Set(['waiting', 'resting']);

/**
 * One tick (SPEC §6.3): among mail deckies with ≥2 personas in scope and ≥2 active now, one
 * idle active persona is asked to write to another active persona (a different address).
 */
export function planTick(ctx: EmailgenContext): EmailgenPlan {
  const rng = seededRng(ctx.rngState);
  const ticks = ctx.ticks + 1;
  const now = ctx.now ? Date.parse(ctx.now) : Number.NaN;
  const zone = ctx.personaTuning.fallbackZone ?? null;
  const counts = { mailDeckies: 0, withTwoPersonas: 0, withTwoActive: 0, personas: 0, active: 0 };
  const eligible: { uuid: string; active: EmailgenContext['scope'][string]['personas'] }[] = [];
  // a pool serves many mail deckies with the same persona objects, and personas share their
  // hours and zone: one zone lookup per distinct pair per tick, not one per persona
  const byPersona = new Map<Persona, boolean>();
  const byHours = new Map<string, boolean>();
  const isActiveNow = (p: Persona) => {
    let active = byPersona.get(p);
    if (active !== undefined) return active;
    const key = `${p.active_hours}|${p.timezone ?? ''}`;
    active = byHours.get(key);
    if (active === undefined) {
      active = activeAt(p, now, zone);
      byHours.set(key, active);
    }
    byPersona.set(p, active);
    return active;
  };
  for (const s of Object.values(ctx.scope)) {
    const uuid = s.decky.uuid;
    counts.mailDeckies += 1;
    counts.personas += s.personas.length;
    const active = Number.isNaN(now) ? [] : s.personas.filter(isActiveNow);
    counts.active += active.length;
    if (s.personas.length < 2) continue;
    counts.withTwoPersonas += 1;
    if (active.length < 2) continue;
    counts.withTwoActive += 1;
    // a backing-off or missing mail actor cannot deliver
    if (!(uuid in ctx.mailStatus) || ctx.mailStatus[uuid] === 'backingOff') continue;
    eligible.push({ uuid, active });
  }
  const effects: EmailgenEffect[] = [];
  const patch: Partial<EmailgenContext> = { ticks };
  // with a density set (`--emails-per-day`) personas write on their own schedule: ticks ask nobody
  const choice = (ctx.personaTuning.emailsPerDay ?? 0) <= 0 ? pickCandidate(ctx, eligible, rng) : undefined;
  const senderId = choice ? pickOne(choice.senders, rng) : undefined;
  const sender = choice?.active.find((p) => personaActorId(choice.uuid, p.email) === senderId);
  const recipient = sender && choice ? pickRecipient(sender, choice.active, rng, () => true) : null;
  if (choice && senderId && recipient && ctx.now) {
    effects.push({ do: 'send', id: senderId, event: { type: 'PERSONA.COMPOSE', at: ctx.now, recipient } });
    // marked at once, so a drain that starts now waits for it; in place (see planPersonaStatus)
    ctx.personaStatus[senderId] = 'composing';
    patch.personaStatus = ctx.personaStatus;
    patch.asked = ctx.asked + 1;
    effects.push(
      log('debug', 'compose requested', { tick: ticks, mailDecky: choice.uuid, sender: sender?.email, recipient: recipient.email }),
    );
  } else {
    effects.push(log('debug', 'idle: no persona eligible to write', { tick: ticks, ...counts }));
  }
  patch.nextTickMs = humanDelay(ctx.intervalMs, rng);
  patch.rngState = rng.state();
  return { patch, effects };
}

/**
 * A uniform pick among the mail deckies with an idle active persona (busy ones are not asked
 * twice), finding their senders only for the deckies drawn: drawn without replacement, the first
 * decky with a sender is uniform among those that have one, and a tick stays O(mail deckies).
 */
function pickCandidate(ctx: EmailgenContext, eligible: { uuid: string; active: Persona[] }[], rng: () => number) {
  const pool = [...eligible];
  while (pool.length > 0) {
    const i = Math.min(Math.floor(rng() * pool.length), pool.length - 1);
    const { uuid, active } = pool[i]!;
    const senders = active.map((p) => personaActorId(uuid, p.email)).filter((id) => IDLE.has(ctx.personaStatus[id] ?? ''));
    if (senders.length > 0) return { uuid, senders, active };
    pool[i] = pool[pool.length - 1]!;
    pool.pop();
  }
  return undefined;
}

/**
 * A refreshed scope followed by one tick; a failed read still counts as a tick, without a pick.
 * A reused read (nothing synced since) is not reconciled again unless a child was forgotten since.
 */
export function planRefreshed(ctx: EmailgenContext, snapshot: ScopeSnapshot | null, error?: unknown): EmailgenPlan {
  if (!snapshot) {
    const rng = seededRng(ctx.rngState);
    return {
      patch: { ticks: ctx.ticks + 1, nextTickMs: humanDelay(ctx.intervalMs, rng), rngState: rng.state() },
      effects: [log('warn', 'scope read failed; tick skipped', { err: errText(error) })],
    };
  }
  // a reused read brings only its time: the scope is the one last reconciled
  const scope = snapshot.reused ? { ...snapshot, mailDeckies: Object.values(ctx.scope) } : snapshot;
  const first = snapshot.reused && !ctx.reconcileDue ? { patch: { now: snapshot.at }, effects: [] } : planScope(ctx, scope);
  const second = planTick({ ...ctx, ...first.patch });
  return { patch: { ...first.patch, ...second.patch }, effects: [...first.effects, ...second.effects] };
}

/**
 * A persona's status report; while draining, an idle persona is stopped (no new writes). The
 * status maps are updated in place: reports are the most frequent event (one per spawn, several
 * per email), and copying a map of N personas on each made spawning N personas cost O(N²).
 */
export function planPersonaStatus(ctx: EmailgenContext, e: PersonaReport): EmailgenPlan {
  if (!(e.id in ctx.personaStatus)) return { patch: {}, effects: [] };
  const effects: EmailgenEffect[] = e.note
    ? [log(e.note === 'busy' ? 'debug' : 'warn', 'persona', { persona: e.id, status: e.status, note: e.note })]
    : [];
  if (ctx.stopReason !== null && IDLE.has(e.status)) {
    delete ctx.personaStatus[e.id];
    delete ctx.personaDecky[e.id];
    return { patch: { personaStatus: ctx.personaStatus, personaDecky: ctx.personaDecky }, effects: [...effects, { do: 'stop', id: e.id }] };
  }
  ctx.personaStatus[e.id] = e.status;
  return { patch: { personaStatus: ctx.personaStatus }, effects };
}

/** A mail decky's status report (in place, as persona reports). */
export function planMailStatus(ctx: EmailgenContext, e: Extract<MailReport, { type: 'MAIL.STATUS' }>): EmailgenPlan {
  if (!(e.uuid in ctx.mailStatus)) return { patch: {}, effects: [] };
  const effects =
    e.status === 'backingOff' && ctx.mailStatus[e.uuid] !== 'backingOff'
      ? [log('warn', 'mail decky backing off after repeated delivery failures', { mailDecky: e.uuid, queued: e.queued })]
      : [];
  ctx.mailStatus[e.uuid] = e.status;
  return { patch: { mailStatus: ctx.mailStatus }, effects };
}

/** One email row was handled by a mail decky: counted; a row the store refused is logged. */
export function planRecorded(ctx: EmailgenContext, e: Extract<MailReport, { type: 'MAIL.RECORDED' }>): EmailgenPlan {
  const effects = e.recorded ? [] : [log('error', 'email row not recorded', { mailDecky: e.uuid, job: e.jobId, stage: e.stage })];
  return {
    patch: {
      delivered: ctx.delivered + (e.success ? 1 : 0),
      failed: ctx.failed + (e.success ? 0 : 1),
      lost: ctx.lost + (e.recorded ? 0 : 1),
    },
    effects,
  };
}

/** A child crashed: it is forgotten (the next scope read spawns it again); the system goes on. */
export function planChildError(ctx: EmailgenContext, childId: string, error: unknown): EmailgenPlan {
  const effects: EmailgenEffect[] = [
    log('error', 'child actor failed; it is respawned at the next scope read', { child: childId, err: errText(error) }),
  ];
  // a whole group failed: every actor it hosted is forgotten, and respawned in a new group
  if (isGroupId(childId)) {
    const personaStatus = { ...ctx.personaStatus };
    const personaDecky = { ...ctx.personaDecky };
    const mailStatus = { ...ctx.mailStatus };
    for (const id of Object.keys(personaStatus)) {
      if (groupOfActor(id) !== childId) continue;
      delete personaStatus[id];
      delete personaDecky[id];
    }
    for (const uuid of Object.keys(mailStatus)) if (groupOf(uuid) === childId) delete mailStatus[uuid];
    return {
      patch: { personaStatus, personaDecky, mailStatus, reconcileDue: true },
      effects: [...effects, { do: 'stopGroup', id: childId }],
    };
  }
  if (childId in ctx.personaStatus) {
    const personaStatus = { ...ctx.personaStatus };
    const personaDecky = { ...ctx.personaDecky };
    delete personaStatus[childId];
    delete personaDecky[childId];
    return { patch: { personaStatus, personaDecky, reconcileDue: true }, effects: [...effects, { do: 'stop', id: childId }] };
  }
  const uuid = Object.keys(ctx.mailStatus).find((u) => mailActorId(u) === childId);
  if (uuid !== undefined) {
    const mailStatus = { ...ctx.mailStatus };
    delete mailStatus[uuid];
    return { patch: { mailStatus, reconcileDue: true }, effects: [...effects, { do: 'stop', id: childId }] };
  }
  return { patch: {}, effects };
}

/** Entering the drain: idle personas are stopped at once so they start nothing new. */
export function planDrainStart(ctx: EmailgenContext, reason: string): EmailgenPlan {
  const personaStatus = { ...ctx.personaStatus };
  const personaDecky = { ...ctx.personaDecky };
  const effects: EmailgenEffect[] = [log('info', 'draining', { reason, ticks: ctx.ticks })];
  for (const [id, status] of Object.entries(ctx.personaStatus)) {
    if (!IDLE.has(status)) continue;
    effects.push({ do: 'stop', id });
    delete personaStatus[id];
    delete personaDecky[id];
  }
  return { patch: { stopReason: reason, personaStatus, personaDecky }, effects };
}

/** The drain bound passed: whatever is still in flight is abandoned and counted. */
export function planAbandon(ctx: EmailgenContext): EmailgenPlan {
  const personas = Object.values(ctx.personaStatus).filter((s) => !IDLE.has(s)).length;
  const mail = Object.values(ctx.mailStatus).filter((s) => s === 'busy').length;
  const abandoned = Math.max(personas, mail);
  return { patch: { abandoned }, effects: [log('warn', 'drain bound passed; abandoning in-flight emails', { abandoned })] };
}

/** True when no persona is writing and no mail decky has work. */
export function isQuiet(ctx: EmailgenContext): boolean {
  return Object.values(ctx.personaStatus).every((s) => IDLE.has(s)) && !Object.values(ctx.mailStatus).includes('busy');
}

/** The actor counts a heartbeat carries (SPEC §5 `extra`). */
export function heartbeatOf(ctx: EmailgenContext): EmailgenHeartbeat {
  const ps = Object.values(ctx.personaStatus);
  const ms = Object.values(ctx.mailStatus);
  const count = <T>(xs: T[], x: T) => xs.filter((v) => v === x).length;
  return {
    actors: {
      mailDeckies: ms.length,
      mailBusy: count(ms, 'busy'),
      mailBackingOff: count(ms, 'backingOff'),
      personas: ps.length,
      waiting: count(ps, 'waiting'),
      resting: count(ps, 'resting'),
      composing: count(ps, 'composing'),
      handingOff: count(ps, 'handingOff'),
    },
    ticks: ctx.ticks,
    emails: { asked: ctx.asked, delivered: ctx.delivered, failed: ctx.failed, lost: ctx.lost },
  };
}

/** Text of an unknown error, for logs. */
