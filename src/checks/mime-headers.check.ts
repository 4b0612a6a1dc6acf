import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { header, headerCount, parseEml } from './eml-parse.js';

const NAME = 'mime-headers';
// headers RFC 5322 / 2045 allow once; a second copy is what the original emitted
const SINGLE = [
  'mime-version',
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'content-type',
  'content-transfer-encoding',
];

/** What is wrong with one message's MIME, or null. */
export function mimeProblem(eml: string): string | null {
  const { headers } = parseEml(eml);
  const doubled = SINGLE.filter((h) => headerCount(headers, h) > 1);
  if (doubled.length > 0) return `duplicate ${doubled.join(', ')}`;
  const type = (header(headers, 'content-type') ?? 'text/plain').toLowerCase();
  const cte = (header(headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (type.startsWith('text/') && cte === 'base64') return 'base64 text body';
  return null;
}

/** Duplicate MIME headers or base64-encoded text bodies (SPEC §6.5), in the EMLs read from spools. */
export const mimeHeadersCheck: RealismCheck = {
  name: NAME,
  description: 'duplicate MIME headers or base64 text bodies',
  run(corpus) {
    const emls = corpus.emails.filter((e) => e.eml !== undefined);
    if (emls.length === 0) return skipped(NAME, '<=', 0, 'no spool messages read (needs --inspect-deckies and a mail decky)');
    const bad = emls.map((e) => [e, mimeProblem(e.eml!)] as const).filter(([, p]) => p !== null);
    return verdict(
      NAME,
      bad.length,
      '<=',
      0,
      `${bad.length} of ${emls.length} messages${bad.length ? `: ${sample(bad.map(([e, p]) => `${e.emlPath}: ${p}`))}` : ''}`,
    );
  },
};
