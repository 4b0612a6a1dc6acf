import { inWindow } from '../email/active-hours.js';
import { isDayOff } from './holiday-calendar.js';
import { type LocalDay, localDay } from './local-time.js';
import { normal, rngFor } from './seed-hash.js';
import { MAX_MOOD, type TimingProfile, activeMinutesPerDay, activeWindow, densityToRate } from './timing-profile.js';

/** Shape factor inside the window: a slow first half hour and a lunch dip, else 1. Bounded by 1. */
function shapeAt(profile: TimingProfile, local: Pick<LocalDay, 'minutes'>): number {
  const window = activeWindow(profile);
  if (!window) return 1;
  if (!inWindow(window, local.minutes)) return offHours(profile.offHoursFactor, window, local.minutes, profile.nightFloor);
  const sinceStart = (local.minutes - window.start + 1440) % 1440;
  if (sinceStart < 30) return 0.6;
  // lunch only dips a window that spans midday
  if (window.start < 12 * 60 && window.end > 14 * 60 && local.minutes >= 12 * 60 && local.minutes < 13 * 60 + 30) return 0.45;
  return 1;
}

/**
 * Outside the window people still work a little, mostly just after it ends (a last email at
 * 19:30) and a bit before it starts; deep night is almost silent. Bounded by (4 + floor) × `factor`.
 */
function offHours(factor: number, window: { start: number; end: number }, minutes: number, floor = 0.1): number {
  const afterEnd = (minutes - window.end + 1440) % 1440;
  const beforeStart = (window.start - minutes + 1440) % 1440;
  return factor * (2.5 * Math.exp(-afterEnd / 90) + 1.5 * Math.exp(-beforeStart / 40) + floor);
}

/** Day-level factor: workday 1, weekend, holiday/leave, times that day's mood. */
function dayFactor(profile: TimingProfile, local: LocalDay): number {
  let f = 1;
  if (profile.takesLeave && isDayOff(profile, local)) f = profile.dayOffFactor;
  else if (!profile.workdays.includes(local.weekday)) f = profile.weekendFactor;
  return f * mood(profile, local.dayKey);
}

/** That day's activity level: log-normal with mean 1, clamped to [0.15, MAX_MOOD]; same day → same value. */
function mood(profile: Pick<TimingProfile, 'id' | 'seed' | 'moodSigma'>, dayKey: string): number {
  const s = profile.moodSigma;
  if (!(s > 0)) return 1;
  const key = `${profile.seed}\u0000${profile.id}\u0000${s}\u0000${dayKey}`;
  const hit = moods.get(key);
  if (hit !== undefined) return hit;
  const z = normal(rngFor('mood', profile.seed, profile.id, dayKey));
  const m = Math.min(MAX_MOOD, Math.max(0.15, Math.exp(s * z - (s * s) / 2)));
  if (moods.size > 100_000) moods.clear();
  moods.set(key, m);
  return m;
}

// a pure function of its key, cached: thinning asks for the same day thousands of times
const moods = new Map<string, number>();

/** Rate of primary (non-burst) events per minute inside working hours on an ordinary day. */
function baseRate(profile: TimingProfile): number {
  const p = Math.min(Math.max(profile.burstProbability, 0), 0.9);
  // each primary brings 1/(1-p) events on average once its follow-ups are counted
  return densityToRate(profile.eventsPerDay * (1 - p), activeMinutesPerDay(activeWindow(profile)));
}

/** λ(t): primary events per minute at instant `at`. */
export function intensityAt(profile: TimingProfile, at: Date): number {
  const local = localDay(at, profile.timeZone);
  return baseRate(profile) * shapeAt(profile, local) * dayFactor(profile, local);
}

/** An upper bound of λ over all time, the envelope for thinning. */
export function peakIntensity(profile: TimingProfile): number {
  const dayMax = Math.max(1, profile.weekendFactor, profile.takesLeave ? profile.dayOffFactor : 0);
  return baseRate(profile) * Math.max(1, (4 + profile.nightFloor) * profile.offHoursFactor) * dayMax * MAX_MOOD;
}

/** True when `at` falls inside the profile's working hours (any day). */
export function insideHours(profile: TimingProfile, at: Date): boolean {
  const window = activeWindow(profile);
  return !window || inWindow(window, localDay(at, profile.timeZone).minutes);
}
