import { wallClock } from '../machines/realism/local-stamp.js';
import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { header, parseEml } from './eml-parse.js';

const NAME = 'date-zone';
const OFFSET = /([+-])(\d{2})(\d{2})\s*(?:\([^)]*\))?\s*$/;

/**
 * Date headers in `-0000`, or in an offset other than the sender's zone at that instant
 * (SPEC §7: a persona in Berlin does not write at `+0000`).
 */
export const dateZoneCheck: RealismCheck = {
  name: NAME,
  description: 'Date header in -0000 or in another zone than the sender’s',
  run(corpus) {
    const bad: string[] = [];
    let judged = 0;
    for (const e of corpus.emails) {
      if (e.eml === undefined) continue;
      const date = header(parseEml(e.eml).headers, 'date') ?? '';
      const m = OFFSET.exec(date);
      judged += 1;
      if (!m || `${m[1]}${m[2]}${m[3]}` === '-0000') {
        bad.push(`${e.emlPath}: ${date || 'no Date'}`);
        continue;
      }
      const persona = corpus.personas.get(e.sender.toLowerCase());
      const at = Date.parse(date);
      if (!persona || !Number.isFinite(at)) continue;
      const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
      if (offset !== wallClock(new Date(at), persona.timeZone).offsetMinutes)
        bad.push(`${e.emlPath}: ${date} (sender in ${persona.timeZone})`);
    }
    if (judged === 0) return skipped(NAME, '<=', 0, 'no spool messages read (needs --inspect-deckies and a mail decky)');
    return verdict(NAME, bad.length, '<=', 0, `${bad.length} of ${judged} messages${bad.length ? `: ${sample(bad)}` : ''}`);
  },
};
