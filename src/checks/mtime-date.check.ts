import { header, parseEml } from './eml-parse.js';
import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 'mtime-matches-date';

/**
 * Files on the deckies whose `stat` mtime is not what the daemon meant: spool files against
 * their Date header, synthetic files against the recorded last write (to the second).
 */
export const mtimeDateCheck: RealismCheck = {
  name: NAME,
  description: 'mtime ≠ Date (spool files) or ≠ recorded write (files), read on the deckies',
  run(corpus) {
    if (!corpus.inspected) return skipped(NAME, '<=', 0, 'deckies not inspected (run with --inspect-deckies)');
    const bad: string[] = [];
    let judged = 0;
    for (const e of corpus.emails) {
      if (e.eml === undefined || e.spoolMtime === undefined) continue;
      const date = Date.parse(header(parseEml(e.eml).headers, 'date') ?? '');
      judged += 1;
      if (!Number.isFinite(date) || seconds(date) !== seconds(e.spoolMtime.getTime())) bad.push(e.emlPath);
    }
    for (const f of corpus.files) {
      if (f.source !== 'store' || f.statMtime === undefined) continue;
      judged += 1;
      if (f.statMtime === null) bad.push(`${f.path} (missing)`);
      else if (seconds(f.statMtime.getTime()) !== seconds(f.lastModified.getTime())) bad.push(f.path);
    }
    if (judged === 0) return skipped(NAME, '<=', 0, 'nothing found on the deckies to compare');
    return verdict(NAME, bad.length, '<=', 0, `${bad.length} of ${judged} differ${bad.length ? `: ${sample(bad)}` : ''}`);
  },
};

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
