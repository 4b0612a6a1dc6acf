import type { Persona } from '../../domain/persona.js';
import { type Rng, pickOne } from '../../domain/rng.js';

/** Probability that a persona answers an existing thread instead of starting one (SPEC §6.3). */
export const REPLY_PROBABILITY = 0.6;
/** Subject used when neither the model nor the parent offers one. */
export const FALLBACK_SUBJECT = 'Business Communication';
/** Most Message-IDs kept in a References header: the root and the newest ones. */
export const MAX_REFERENCES = 50;

// any run of "re:", "RE :", "Re[2]:", "re：" at the start, with whatever spacing a client used
const REPLY_PREFIX = /^(?:\s*re\s*(?:\[\d+\])?\s*[:：]\s*)+/i;

/** The subject without any leading reply prefixes, whitespace collapsed. */
export function stripReplyPrefixes(subject: string): string {
  return subject.replace(/\s+/g, ' ').replace(REPLY_PREFIX, '').trim();
}

/** Reply subject: exactly one `Re: ` before the parent's subject, whatever the parent carried. */
export function replySubject(parentSubject: string): string {
  return `Re: ${stripReplyPrefixes(parentSubject) || FALLBACK_SUBJECT}`;
}

/** The subject an email gets: a reply's is derived from its parent in code; a new thread's never starts with `Re:`. */
export function threadSubject(modelSubject: string, parentSubject: string | null): string {
  if (parentSubject !== null) return replySubject(parentSubject);
  return stripReplyPrefixes(modelSubject) || FALLBACK_SUBJECT;
}

/** References of a reply: the parent's own References (or ancestors) followed by the parent, deduplicated. */
export function buildReferences(parent: { messageId: string; references?: readonly string[] }): string[] {
  const ids = [...(parent.references ?? []), parent.messageId].filter((id) => id.length > 0);
  return capReferences([...new Set(ids)]);
}

/** Trims a long chain to the root plus the newest ids, as mail clients do, keeping it under MAX_REFERENCES. */
export function capReferences(ids: readonly string[], max: number = MAX_REFERENCES): string[] {
  if (ids.length <= max) return [...ids];
  return [ids[0]!, ...ids.slice(ids.length - (max - 1))];
}

const sameAddress = (a: Persona, b: Persona) => a.email.toLowerCase() === b.email.toLowerCase();

/** A recipient for `sender` among the personas active now, never the sender's own address. */
export function pickRecipient(
  sender: Persona,
  personas: readonly Persona[],
  rng: Rng,
  isActiveNow: (p: Persona) => boolean,
): Persona | null {
  return (
    pickOne(
      personas.filter((p) => !sameAddress(p, sender) && isActiveNow(p)),
      rng,
    ) ?? null
  );
}
