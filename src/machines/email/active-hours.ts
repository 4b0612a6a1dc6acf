import type { Persona } from '../../domain/persona.js';

/** A daily window in local minutes since midnight; `start > end` wraps past midnight. */
export interface ActiveWindow {
  start: number;
  end: number;
}

const MINUTES_PER_DAY = 24 * 60;
const WINDOW = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;

/** Parses `HH:MM-HH:MM`; null means "always active" (garbage or equal ends, SPEC §6.1). */
export function parseActiveHours(spec: string): ActiveWindow | null {
  const m = WINDOW.exec(spec);
  if (!m) return null;
  const start = toMinutes(m[1]!, m[2]!, false);
  const end = toMinutes(m[3]!, m[4]!, true);
  if (start === null || end === null || start % MINUTES_PER_DAY === end % MINUTES_PER_DAY) return null;
  return { start, end };
}

// 24:00 is accepted as an end ("until midnight"), never as a start
function toMinutes(h: string, m: string, isEnd: boolean): number | null {
  const hh = Number(h);
  const mm = Number(m);
  if (mm > 59) return null;
  if (hh === 24 && mm === 0 && isEnd) return MINUTES_PER_DAY;
  if (hh > 23) return null;
  return hh * 60 + mm;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The host's IANA zone as the runtime sees it. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Minutes since local midnight of `now` in `timeZone`; the zone database makes this DST-correct. */
export function localMinutes(now: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(timeZone).formatToParts(now);
  } catch {
    // policies never throw into machines; an unknown zone reads as UTC
    parts = formatter('UTC').formatToParts(now);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return (get('hour') % 24) * 60 + get('minute');
}

/** The zone a persona lives in: its own, else the host's. */
export function personaTimeZone(persona: Pick<Persona, 'timezone'>, fallback: string = hostTimeZone()): string {
  return persona.timezone ?? fallback;
}

/** True when `now` falls inside the persona's active hours, in the persona's zone. */
export function isActive(persona: Pick<Persona, 'active_hours' | 'timezone'>, now: Date, fallbackZone?: string): boolean {
  const window = parseActiveHours(persona.active_hours);
  if (!window) return true;
  return inWindow(window, localMinutes(now, personaTimeZone(persona, fallbackZone)));
}

/** True when local minute `m` lies in `[start, end)`, wrapping past midnight when start > end. */
export function inWindow(w: ActiveWindow, m: number): boolean {
  return w.start < w.end ? m >= w.start && m < w.end : m >= w.start || m < w.end;
}

/**
 * Wall-clock estimate of the milliseconds until the persona's window opens (0 when active).
 * Across a DST change it can be an hour off, so callers re-check `isActive` when they wake.
 */
export function msUntilActive(persona: Pick<Persona, 'active_hours' | 'timezone'>, now: Date, fallbackZone?: string): number {
  const window = parseActiveHours(persona.active_hours);
  if (!window) return 0;
  const m = localMinutes(now, personaTimeZone(persona, fallbackZone));
  if (inWindow(window, m)) return 0;
  const minutes = (window.start - m + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return minutes * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds();
}
