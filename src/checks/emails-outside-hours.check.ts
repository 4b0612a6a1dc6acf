import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { outsideHours, outsideShare } from './outside-hours.js';

const NAME = 'emails-outside-hours';
/** Largest share of emails dated outside their sender's hours that still passes. */
const EMAIL_HOURS_THRESHOLD = 0.1;

/** Share of delivered emails whose Date falls outside the sender's active hours, in the sender's zone. */
export const emailsOutsideHoursCheck: RealismCheck = {
  name: NAME,
  description: 'share of emails dated outside their author’s hours',
  run(corpus) {
    let judged = 0;
    let unknown = 0;
    const outside: string[] = [];
    for (const e of corpus.emails) {
      if (!e.success) continue;
      const persona = corpus.personas.get(e.sender.toLowerCase());
      if (!persona) {
        unknown += 1;
        continue;
      }
      judged += 1;
      if (outsideHours(persona, e.ts)) outside.push(`${e.sender} at ${e.ts.toISOString()}`);
    }
    if (judged === 0) return skipped(NAME, '<=', EMAIL_HOURS_THRESHOLD, unknown ? `${unknown} emails from unknown senders` : 'no emails');
    const share = outsideShare(outside.length, judged);
    const note = unknown ? `; ${unknown} from unknown senders not judged` : '';
    return verdict(
      NAME,
      share,
      '<=',
      EMAIL_HOURS_THRESHOLD,
      `${outside.length} of ${judged} outside hours${outside.length ? `: ${sample(outside)}` : ''}${note}`,
    );
  },
};
