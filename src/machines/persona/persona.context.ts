import { seededRng } from '../../domain/rng.js';
import { personaActorId } from './persona.events.js';
import { DEFAULT_MEAN_GAP_MS, nextOwnWrite } from './persona.schedule.js';
import type { LookupThreadInput, PersonaContext, PersonaInput } from './persona.types.js';

/** Milliseconds since the epoch of an ISO time. */
export const ms = (iso: string) => Date.parse(iso);

/** A persona actor's first context: its first write is drawn from its own timing at `input.at`. */
export function initialContext(input: PersonaInput): PersonaContext {
  const rng = seededRng(input.seed);
  const at = ms(input.at);
  const meanGapMs = input.meanGapMs ?? DEFAULT_MEAN_GAP_MS;
  const emailsPerDay = input.emailsPerDay ?? 0;
  const fallbackZone = input.fallbackZone ?? null;
  return {
    id: personaActorId(input.mailDecky.uuid, input.persona.email),
    mailDeckyUuid: input.mailDecky.uuid,
    persona: input.persona,
    peers: input.peers,
    clock: at,
    nextWriteAt: nextOwnWrite(input.persona, { emailsPerDay, meanGapMs, fallbackZone }, at, rng),
    rngState: rng.state(),
    restUntil: null,
    meanGapMs,
    emailsPerDay,
    replyProbability: input.replyProbability ?? 0.6,
    handOffTimeoutMs: input.handOffTimeoutMs ?? 5 * 60_000,
    fallbackZone,
    compose: null,
    seq: 0,
    written: 0,
    failed: 0,
  };
}

/** What the thread look-up of the composition under way needs. */
export function lookupInput(context: PersonaContext): LookupThreadInput {
  if (!context.compose) throw new Error('choosingThread without a composition');
  return {
    mailDeckyUuid: context.mailDeckyUuid,
    sender: context.persona.email,
    recipient: context.compose.recipient.email,
    wantReply: context.compose.wantReply,
  };
}

/** True for the LLM's own timeout (told apart from other generation failures). */
export function isTimeout(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'LLM_TIMEOUT';
}
