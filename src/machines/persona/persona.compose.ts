import type { Persona } from '../../domain/persona.js';
import { personaTimeZone } from '../email/active-hours.js';
import { type ParsedEmail, parseEmailOutput } from '../email/parse-output.js';
import { buildPrompt, pickMannerisms } from '../email/prompt.js';
import { pickRecipient } from '../email/threads.js';
import { buildReferences, stripReplyPrefixes, threadSubject } from '../email/threads.js';
import { pickTopic } from '../email/topics.js';
import type { DraftBase, EmailDraft, FailedDraft } from '../mail/mail.events.js';
import { seededRng } from '../../domain/rng.js';
import { activeAt, nextOwnWrite, restDelay } from './persona.schedule.js';
import type { Composition, GenerationResult, PersonaContext, ThreadChoice } from './persona.types.js';

type Patch = Partial<PersonaContext>;

/** A new composition to `recipient`: reply wish, topic and mannerisms are drawn here, in code. */
export function startComposition(ctx: PersonaContext, at: number, recipient: Persona, trigger: Composition['trigger']): Patch {
  const rng = seededRng(ctx.rngState);
  const wantReply = rng() < ctx.replyProbability;
  const topic = pickTopic(rng);
  const mannerisms = pickMannerisms(ctx.persona, rng);
  const seq = ctx.seq + 1;
  return {
    clock: Math.max(ctx.clock, at),
    seq,
    rngState: rng.state(),
    compose: { jobId: `${ctx.id}#${seq}`, recipient, trigger, wantReply, topic, mannerisms, thread: null },
  };
}

/**
 * A recipient for an own-schedule write, never the persona itself: a peer active at `at`; on the
 * human schedule, when nobody is at work (a late email), any peer.
 */
export function ownRecipient(ctx: PersonaContext, at: number): Persona | null {
  const rng = seededRng(ctx.rngState);
  const active = pickRecipient(ctx.persona, ctx.peers, rng, (p) => activeAt(p, at, ctx.fallbackZone));
  return active ?? (ctx.emailsPerDay > 0 ? pickRecipient(ctx.persona, ctx.peers, seededRng(ctx.rngState), () => true) : null);
}

/** True when the persona may start writing at `at` to `recipient` (or to some active peer). */
export function canComposeAt(ctx: PersonaContext, at: number, recipient: Persona | undefined): boolean {
  if (!activeAt(ctx.persona, at, ctx.fallbackZone)) return false;
  if (recipient) return recipient.email.toLowerCase() !== ctx.persona.email.toLowerCase();
  return ownRecipient(ctx, at) !== null;
}

/** Schedules the next own write from `at`: the human process, or a heavy-tailed gap (SPEC §7 "fixed cadence"). */
export function scheduleNext(ctx: PersonaContext, at: number): Patch {
  const rng = seededRng(ctx.rngState);
  const clock = Math.max(ctx.clock, at);
  return { clock, nextWriteAt: nextOwnWrite(ctx.persona, ctx, clock, rng), restUntil: null, rngState: rng.state(), compose: null };
}

/** Rests from `at` until the persona's active window opens again. */
export function scheduleRest(ctx: PersonaContext, at: number): Patch {
  const rng = seededRng(ctx.rngState);
  const clock = Math.max(ctx.clock, at);
  return { clock, restUntil: clock + restDelay(ctx.persona, new Date(clock), rng, ctx.fallbackZone ?? undefined), rngState: rng.state() };
}

/** The SPEC §6.4 prompt of the current composition. */
export function promptOf(ctx: PersonaContext): string {
  const c = current(ctx);
  const parent = c.thread?.parent ?? null;
  return buildPrompt({
    sender: ctx.persona,
    recipient: c.recipient,
    // a reply is about its thread; a new thread about a drawn topic
    topic: parent ? stripReplyPrefixes(parent.subject) || c.topic : c.topic,
    mannerisms: c.mannerisms,
    reply: parent ? { parentSubject: parent.subject, parentBody: parent.excerpt } : null,
  });
}

/** The parsed email of a successful generation, or null when there is nothing to send. */
export function usableEmail(ctx: PersonaContext, gen: GenerationResult): ParsedEmail | null {
  if (!gen.success) return null;
  const parsed = parseEmailOutput(gen.text, { usesLlmsHeavily: ctx.persona.uses_llms_heavily });
  return parsed.body.trim() === '' ? null : parsed;
}

/** The email handed to the mail decky: subject and threading decided in code, never by the model. */
export function emailDraft(ctx: PersonaContext, gen: GenerationResult, parsed: ParsedEmail): EmailDraft {
  const c = current(ctx);
  const parent = c.thread?.parent ?? null;
  return {
    ...draftBase(ctx, gen.model, gen.latencyMs, gen.at),
    timezone: personaTimeZone(ctx.persona, ctx.fallbackZone ?? undefined),
    references: parent ? buildReferences({ messageId: parent.messageId, references: parent.references }) : [],
    subject: threadSubject(parsed.subject, parent?.subject ?? null),
    body: parsed.body,
  };
}

/** The failed generation handed to the mail decky to be recorded (stage llm). */
export function failedDraft(ctx: PersonaContext, failure: { error: string; timedOut: boolean; gen?: GenerationResult }): FailedDraft {
  const gen = failure.gen;
  const at = gen?.at ?? new Date(ctx.clock).toISOString();
  return { ...draftBase(ctx, gen?.model ?? 'unknown', gen?.latencyMs ?? 0, at), error: failure.error, timedOut: failure.timedOut };
}

/** Why a generation gave nothing to send. */
export function generationError(gen: GenerationResult): string {
  if (!gen.success) return gen.error ?? 'generation failed';
  return 'empty email body';
}

function draftBase(ctx: PersonaContext, model: string, generationMs: number, at: string): DraftBase {
  const c = current(ctx);
  const thread = threadOf(c);
  return {
    jobId: c.jobId,
    replyTo: ctx.id,
    emailId: thread.emailId,
    mailDeckyUuid: ctx.mailDeckyUuid,
    from: { name: ctx.persona.name, email: ctx.persona.email },
    to: { name: c.recipient.name, email: c.recipient.email },
    language: ctx.persona.language,
    threadId: thread.threadId,
    inReplyTo: thread.parent?.messageId ?? null,
    mannerisms: c.mannerisms,
    model,
    generationMs,
    at,
  };
}

// the machine only generates inside `composing`, after `lookupThread` answered
function current(ctx: PersonaContext): Composition {
  if (!ctx.compose) throw new Error('no composition under way');
  return ctx.compose;
}

function threadOf(c: Composition): ThreadChoice {
  if (!c.thread) throw new Error('composition without a thread');
  return c.thread;
}
