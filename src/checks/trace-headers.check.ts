import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { headerCount, parseEml } from './eml-parse.js';

const NAME = 'trace-headers';
// what every copy a mail server stores carries (RFC 5321 §4.4), and a client-written message lacks
const TRACE = ['Return-Path', 'Delivered-To', 'Received'] as const;

/** The trace headers a stored message lacks (none → []). */
export function missingTrace(eml: string): string[] {
  const { headers } = parseEml(eml);
  return TRACE.filter((h) => headerCount(headers, h) === 0);
}

/** Spool messages without the Return-Path, Delivered-To and Received a delivering server adds. */
export const traceHeadersCheck: RealismCheck = {
  name: NAME,
  description: 'delivered mail without Return-Path, Delivered-To or Received',
  run(corpus) {
    const emls = corpus.emails.filter((e) => e.eml !== undefined);
    if (emls.length === 0) return skipped(NAME, '<=', 0, 'no spool messages read (needs --inspect-deckies and a mail decky)');
    const bad = emls.map((e) => [e, missingTrace(e.eml!)] as const).filter(([, m]) => m.length > 0);
    const which = bad.map(([e, m]) => `${e.emlPath}: no ${m.join(', ')}`);
    return verdict(NAME, bad.length, '<=', 0, `${bad.length} of ${emls.length} messages${bad.length ? `: ${sample(which)}` : ''}`);
  },
};
