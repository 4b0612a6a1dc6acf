import { inWindow, parseActiveHours } from '../../../machines/email/active-hours.js';
import { localDay } from '../../../machines/realism/local-time.js';
import type { CorpusPersona } from '../corpus.js';

/** True when `at` falls outside the persona's active hours in its own zone. */
export function outsideHours(persona: CorpusPersona, at: Date): boolean {
  const window = parseActiveHours(persona.activeHours);
  return window !== null && !inWindow(window, localDay(at, persona.timeZone).minutes);
}
