import type { Persona } from '../../domain/persona.js';
import { isActive } from '../email/active-hours.js';
import { seededRng } from '../../domain/rng.js';
import { sampleEventTimes } from './next-event.js';
import { hashSeed } from './seed-hash.js';
import { CALENDAR_SEED, profileForPersona } from './timing-profile.js';

/** Default cap on emails one mail decky is given: an LLM is never asked for thousands. */
export const DEFAULT_MAX_BACKFILL_EMAILS = 30;
// nothing is dated in the last minutes: the live worker owns "now"
const RECENT_MARGIN_MS = 10 * 60_000;

/** The window and density of a mail decky's past. */
interface EmailPlanOptions {
  days: number;
  now: Date;
  seed: number;
  /** emails at most (default DEFAULT_MAX_BACKFILL_EMAILS) */
  maxEmails?: number;
  /** mean emails a persona sends on a working day (default: enough to reach the cap) */
  emailsPerDay?: number;
  /** zone of personas that give none */
  hostZone: string;
}

/** One email to write: when, and by whom. Recipient and thread are chosen when it is written. */
interface PlannedEmail {
  at: Date;
  sender: Persona;
}

/** The personas once each (by address, case-insensitively), in the order given. */
export function distinctPersonas(personas: readonly Persona[]): Persona[] {
  const seen = new Set<string>();
  return personas.filter((p) => {
    const key = p.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * When each persona of a mail decky wrote over the past `days`: every sender's own timing
 * profile (zone, working hours, weekends, leave, bursts), kept only inside the sender's active
 * hours as the live worker is, merged in time order and thinned evenly to the cap. Empty with
 * fewer than two distinct personas (nobody to write to).
 */
export function planEmailTimes(personas: readonly Persona[], opts: EmailPlanOptions): PlannedEmail[] {
  const people = distinctPersonas(personas);
  const max = Math.max(0, Math.floor(opts.maxEmails ?? DEFAULT_MAX_BACKFILL_EMAILS));
  if (people.length < 2 || max === 0 || !(opts.days > 0)) return [];
  const to = new Date(opts.now.getTime() - RECENT_MARGIN_MS);
  const from = new Date(opts.now.getTime() - opts.days * 86_400_000);
  // aim a little over the cap (leave, holidays and the hours filter thin it), then thin evenly
  const perDay = opts.emailsPerDay ?? Math.max(1.5 * max, max + 6) / (people.length * Math.max(1, (opts.days * 5) / 7));
  const planned = people.flatMap((sender) => {
    const profile = profileForPersona(sender, { eventsPerDay: perDay, seed: CALENDAR_SEED, fallbackZone: opts.hostZone });
    const rng = seededRng(hashSeed(opts.seed, sender.email.toLowerCase(), 'emails'));
    return (
      sampleEventTimes(profile, from, to, rng, 10 * max)
        .filter((at) => isActive(sender, at, opts.hostZone))
        // the Date header keeps whole seconds: so do the row and the file mtime
        .map((at) => ({ at: new Date(Math.floor(at.getTime() / 1000) * 1000), sender }))
    );
  });
  planned.sort((a, b) => a.at.getTime() - b.at.getTime());
  return thin(planned, max, seededRng(hashSeed(opts.seed, 'emails-thin')));
}

// keeps `max` items chosen at random (every item equally likely), in their order
function thin<T>(items: readonly T[], max: number, rng: () => number): T[] {
  if (items.length <= max) return [...items];
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
