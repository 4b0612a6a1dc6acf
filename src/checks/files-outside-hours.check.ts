import { isUserClass } from '../machines/realism/content-class.js';
import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { outsideHours, outsideShare } from './outside-hours.js';

const NAME = 'files-outside-hours';
/** Largest share of a person's files dated outside their hours that still passes. */
const FILE_HOURS_THRESHOLD = 0.1;

/**
 * Share of files people wrote (notes, todos, drafts, scripts) created or last modified outside
 * their author's hours. Logs and caches are machines' work and may change at night.
 */
export const filesOutsideHoursCheck: RealismCheck = {
  name: NAME,
  description: 'share of user files dated outside their author’s hours',
  run(corpus) {
    let judged = 0;
    const outside: string[] = [];
    for (const f of corpus.files) {
      if (!isUserClass(f.contentClass) || f.author === null) continue;
      const persona = corpus.personas.get(f.author.toLowerCase());
      if (!persona) continue;
      judged += 1;
      const stamps = [f.lastModified, ...(f.createdAt ? [f.createdAt] : [])];
      if (stamps.some((t) => outsideHours(persona, t))) outside.push(`${f.path} (${f.lastModified.toISOString()})`);
    }
    if (judged === 0) return skipped(NAME, '<=', FILE_HOURS_THRESHOLD, 'no user files with a known author');
    return verdict(
      NAME,
      outsideShare(outside.length, judged),
      '<=',
      FILE_HOURS_THRESHOLD,
      `${outside.length} of ${judged} outside hours${outside.length ? `: ${sample(outside)}` : ''}`,
    );
  },
};
