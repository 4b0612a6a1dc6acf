import { MAX_REFERENCES } from '../machines/email/threads.js';
import { type CorpusEmail, type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { header, messageIds, parseEml } from './eml-parse.js';

const NAME = 'broken-threads';

/** Why one reply's threading is wrong, or null when it is sound. */
export function threadProblem(e: CorpusEmail, byId: ReadonlyMap<string, CorpusEmail>): string | null {
  if (!e.inReplyTo) return null;
  const parent = byId.get(e.inReplyTo);
  if (!parent) return 'In-Reply-To names a missing message';
  if (parent.threadId !== e.threadId) return 'parent is in another thread';
  if (parent.ts.getTime() > e.ts.getTime()) return 'reply is older than its parent';
  if (e.eml === undefined) return null;
  const refs = messageIds(header(parseEml(e.eml).headers, 'references'));
  if (refs.at(-1) !== e.inReplyTo) return 'References does not end with the parent';
  const ancestors = ancestry(parent, byId);
  if (refs.length < Math.min(ancestors, MAX_REFERENCES)) return `References holds ${refs.length} of ${ancestors} ancestors`;
  // a chain capped to the root plus the newest ids has one legitimate jump, after the root
  const from = refs.length >= MAX_REFERENCES ? 2 : 1;
  for (let i = from; i < refs.length; i += 1) {
    const known = byId.get(refs[i]!);
    if (known && known.inReplyTo !== refs[i - 1]) return 'References is not a chain';
  }
  return null;
}

// messages from the root down to `parent`, following In-Reply-To (cycle-safe)
function ancestry(parent: CorpusEmail, byId: ReadonlyMap<string, CorpusEmail>): number {
  const seen = new Set<string>();
  let cur: CorpusEmail | undefined = parent;
  while (cur && !seen.has(cur.messageId)) {
    seen.add(cur.messageId);
    cur = cur.inReplyTo ? byId.get(cur.inReplyTo) : undefined;
  }
  return seen.size;
}

/**
 * Replies whose thread does not hold together: In-Reply-To to a missing message, another
 * thread or a later message; with the EML at hand, References that do not end with the parent,
 * hold only the parent (SPEC §6.3) or skip links. Pruned parents also count: retention should
 * keep threads whole.
 */
export const brokenThreadsCheck: RealismCheck = {
  name: NAME,
  description: 'In-Reply-To to a missing message, References not a chain',
  run(corpus) {
    const sent = corpus.emails.filter((e) => e.success && e.messageId !== '');
    const replies = sent.filter((e) => e.inReplyTo);
    if (replies.length === 0) return skipped(NAME, '<=', 0, 'no replies');
    const byId = new Map(sent.map((e) => [e.messageId, e]));
    const bad = replies.map((e) => [e, threadProblem(e, byId)] as const).filter(([, p]) => p !== null);
    return verdict(
      NAME,
      bad.length,
      '<=',
      0,
      `${bad.length} of ${replies.length} replies${bad.length ? `: ${sample(bad.map(([e, p]) => `${e.messageId}: ${p}`))}` : ''}`,
    );
  },
};
