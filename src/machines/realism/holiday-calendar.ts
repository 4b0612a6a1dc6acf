import type { LocalDay } from './local-time.js';
import { publicHolidays } from './public-holidays.js';
import { rngFor } from './seed-hash.js';

/** Days off when a zone names no country (UTC, Etc/*): New Year's Day and Christmas Day (`MM-DD`). */
const COMMON_HOLIDAYS: readonly string[] = ['01-01', '12-25'];

/** One person's calendar: who it is (`id`), the seed that makes their leave reproducible, and their zone. */
interface CalendarOwner {
  id: string;
  seed: number;
  /** IANA zone whose country's public holidays apply; absent → the common days only */
  timeZone?: string;
}

const leaveCache = new Map<string, Set<string>>();

/**
 * The person's days of leave in `year`, as `YYYY-MM-DD` keys: a summer holiday of 5–10 days
 * starting in June–August, a winter break of 3–6 days from Dec 22–27, and 2–4 loose days
 * (a long weekend, a sick day). Deterministic from seed + id + year, so every run agrees.
 */
export function leaveDays(owner: CalendarOwner, year: number): Set<string> {
  const key = `${owner.seed}\u0000${owner.id}\u0000${year}`;
  const cached = leaveCache.get(key);
  if (cached) return cached;
  const rng = rngFor('leave', owner.seed, owner.id, year);
  const days = new Set<string>();
  const summerStart = Date.UTC(year, 5, 1) + Math.floor(rng() * 85) * 86_400_000;
  addRun(days, summerStart, 5 + Math.floor(rng() * 6));
  addRun(days, Date.UTC(year, 11, 22 + Math.floor(rng() * 6)), 3 + Math.floor(rng() * 4));
  const loose = 2 + Math.floor(rng() * 3);
  for (let i = 0; i < loose; i += 1) addRun(days, Date.UTC(year, 0, 8) + Math.floor(rng() * 330) * 86_400_000, 1);
  if (leaveCache.size > 4096) leaveCache.clear();
  leaveCache.set(key, days);
  return days;
}

/** True when the local day is a public holiday where the owner works, or one of their leave days. */
export function isDayOff(owner: CalendarOwner, local: Pick<LocalDay, 'year' | 'dayKey'>): boolean {
  const national = owner.timeZone ? publicHolidays(owner.timeZone, local.year) : null;
  if (national ? national.has(local.dayKey) : COMMON_HOLIDAYS.includes(local.dayKey.slice(5))) return true;
  return leaveDays(owner, local.year).has(local.dayKey) || leaveDays(owner, local.year - 1).has(local.dayKey);
}

// calendar days in UTC arithmetic: only the date label matters, never the instant
function addRun(days: Set<string>, startMs: number, length: number): void {
  for (let i = 0; i < length; i += 1) days.add(new Date(startMs + i * 86_400_000).toISOString().slice(0, 10));
}
