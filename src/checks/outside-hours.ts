import { inWindow, parseActiveHours } from '../machines/email/active-hours.js';
import { localDay } from '../machines/realism/local-time.js';
import type { CorpusPersona } from './corpus.js';

/** True when `at` falls outside the persona's active hours in its own zone. */
export function outsideHours(persona: CorpusPersona, at: Date): boolean {
  const window = parseActiveHours(persona.activeHours);
  return window !== null && !inWindow(window, localDay(at, persona.timeZone).minutes);
}

/** Below this many judged items, one item outside hours is not yet a pattern. */
export const SMALL_SAMPLE = 20;

/**
 * The share that counts as outside hours: in a small corpus one late evening is forgiven (people
 * do work late once), so a handful of backfilled files cannot fail on a single draw.
 */
export function outsideShare(outside: number, judged: number): number {
  if (judged <= 0) return 0;
  return (judged < SMALL_SAMPLE ? Math.max(0, outside - 1) : outside) / judged;
}
