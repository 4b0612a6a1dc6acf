import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { header, parseEml } from './eml-parse.js';

const NAME = 'received-chain';

/** One parsed Received header: who took the message in, and when. */
interface Hop {
  by: string | null;
  at: number;
}

function hopOf(value: string): Hop {
  const semi = value.lastIndexOf(';');
  // a trailing zone comment such as `(UTC)` is not part of the date
  const stamp =
    semi < 0
      ? ''
      : value
          .slice(semi + 1)
          .replace(/\([^()]*\)\s*$/, '')
          .trim();
  const by = /\bby\s+([^\s;()]+)/i.exec(value)?.[1]?.toLowerCase() ?? null;
  return { by, at: stamp ? Date.parse(stamp) : Number.NaN };
}

/**
 * What is wrong with a message's Received chain, or null: a stamp that does not parse, hops not
 * newest first, a hop earlier than Date, or a last hop `by` a host other than the mail decky
 * (`mailHost`, when known; `<host>.<domain>` counts as the host). A message with no Received is
 * the trace-headers check's business, not this one's.
 */
export function receivedProblem(eml: string, mailHost?: string): string | null {
  const { headers } = parseEml(eml);
  const hops = headers.filter(([n]) => n.toLowerCase() === 'received').map(([, v]) => hopOf(v));
  if (hops.length === 0) return null;
  if (hops.some((h) => Number.isNaN(h.at))) return 'Received without a readable date';
  for (let i = 1; i < hops.length; i += 1) if (hops[i]!.at > hops[i - 1]!.at) return 'Received chain out of order';
  const date = Date.parse(header(headers, 'date') ?? '');
  if (!Number.isNaN(date) && hops.some((h) => h.at < date)) return 'Received earlier than Date';
  const host = mailHost?.toLowerCase();
  const by = hops[0]!.by;
  if (host && by !== host && !by?.startsWith(`${host}.`)) return `received by ${by ?? 'nobody'}, not ${host}`;
  return null;
}

/** Received chains out of order, stamped before Date, or not received by the mail decky itself. */
export const receivedChainCheck: RealismCheck = {
  name: NAME,
  description: 'Received chain out of order, earlier than Date, or by a host that is not the mail decky',
  run(corpus) {
    const emls = corpus.emails.filter((e) => e.eml !== undefined && /^received:/im.test(e.eml));
    if (emls.length === 0)
      return skipped(NAME, '<=', 0, 'no spool messages with a Received chain read (needs --inspect-deckies and a mail decky)');
    const bad = emls.map((e) => [e, receivedProblem(e.eml!, e.mailHost)] as const).filter(([, p]) => p !== null);
    const which = bad.map(([e, p]) => `${e.emlPath}: ${p}`);
    return verdict(NAME, bad.length, '<=', 0, `${bad.length} of ${emls.length} messages${bad.length ? `: ${sample(which)}` : ''}`);
  },
};
