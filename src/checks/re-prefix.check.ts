import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 're-re-subjects';
const DOUBLE = /^\s*re\s*(?:\[\d+\])?\s*[:：]\s*re\s*(?:\[\d+\])?\s*[:：]/i;

/** Subjects with `Re: Re:` (SPEC §7): a client writes one prefix, whatever the thread's depth. */
export const rePrefixCheck: RealismCheck = {
  name: NAME,
  description: 'subjects with more than one reply prefix',
  run(corpus) {
    const sent = corpus.emails.filter((e) => e.success);
    if (sent.length === 0) return skipped(NAME, '<=', 0, 'no emails');
    const bad = sent.filter((e) => DOUBLE.test(e.subject));
    return verdict(
      NAME,
      bad.length,
      '<=',
      0,
      `${bad.length} of ${sent.length}${bad.length ? `: ${sample(bad.map((e) => e.subject))}` : ''}`,
    );
  },
};
