import type { Persona } from '../../domain/persona.js';
import { type ActiveWindow, parseActiveHours } from '../email/active-hours.js';

/** How one persona (or one decky role) spreads activity over time. Plain data. */
export interface TimingProfile {
  /** stable identity (persona email, decky uuid): seeds the leave calendar and day-to-day mood */
  id: string;
  seed: number;
  /** IANA zone the hours are read in */
  timeZone: string;
  /** `HH:MM-HH:MM`; garbage or equal ends → around the clock (SPEC §6.1) */
  activeHours: string;
  /** mean events on an ordinary working day, bursts included */
  eventsPerDay: number;
  /** local weekdays worked, 0 = Sunday (default Monday–Friday) */
  workdays: readonly number[];
  /** rate on days not worked, relative to a working day */
  weekendFactor: number;
  /** rate just outside the active window, relative to inside (it tails off into the night) */
  offHoursFactor: number;
  /** share of `offHoursFactor` left in the dead of night (0.1 for people, higher for machines) */
  nightFloor: number;
  /** rate on holidays and leave, relative to a working day */
  dayOffFactor: number;
  /** false for machines: no leave calendar, no holidays */
  takesLeave: boolean;
  /** chance that an event is followed within minutes by another (a reply, a second save) */
  burstProbability: number;
  /** median minutes between an event and its follow-up */
  burstMedianMinutes: number;
  /** log-space spread of the day-to-day activity level (0 = every day alike) */
  moodSigma: number;
}

/** Defaults for a person at work. */
const PERSON_DEFAULTS = {
  workdays: [1, 2, 3, 4, 5],
  weekendFactor: 0.06,
  offHoursFactor: 0.012,
  nightFloor: 0.1,
  dayOffFactor: 0.03,
  takesLeave: true,
  burstProbability: 0.3,
  burstMedianMinutes: 4,
  moodSigma: 0.5,
} as const satisfies Partial<TimingProfile>;

/**
 * Seed of every persona's leave calendar and day-to-day mood: one constant, so a persona keeps the
 * same holidays in its backfilled past, its live schedule and across restarts (the calendar is
 * keyed by its address too).
 */
export const CALENDAR_SEED = 0;

/** Largest day-to-day mood factor; bounds the thinning envelope. */
export const MAX_MOOD = 3;

/** Profile of a persona: its hours and zone, person defaults, the given density. */
export function profileForPersona(
  persona: Pick<Persona, 'email' | 'active_hours' | 'timezone'>,
  opts: { eventsPerDay: number; seed: number; fallbackZone: string },
): TimingProfile {
  return {
    ...PERSON_DEFAULTS,
    workdays: [...PERSON_DEFAULTS.workdays],
    id: persona.email.toLowerCase(),
    seed: opts.seed,
    timeZone: persona.timezone ?? opts.fallbackZone,
    activeHours: persona.active_hours,
    eventsPerDay: opts.eventsPerDay,
  };
}

/**
 * Profile of a machine (logs, caches): around the clock with a daytime lean (people use it),
 * quieter at weekends, no leave, few bursts.
 */
export function profileForSystem(id: string, opts: { eventsPerDay: number; seed: number; timeZone: string }): TimingProfile {
  return {
    id,
    seed: opts.seed,
    timeZone: opts.timeZone,
    activeHours: '07:00-23:00',
    eventsPerDay: opts.eventsPerDay,
    workdays: [1, 2, 3, 4, 5],
    weekendFactor: 0.5,
    offHoursFactor: 0.1,
    nightFloor: 2.5,
    dayOffFactor: 1,
    takesLeave: false,
    burstProbability: 0.15,
    burstMedianMinutes: 2,
    moodSigma: 0.3,
  };
}

/**
 * Profile of a decky's own life (logins between hosts, files people and daemons touch): office
 * hours with a tail into the evening, quiet nights and weekends, no leave, no bursts (the
 * supervisor draws whole counts per tick). `id` keys the day-to-day mood.
 */
export function profileForDecky(id: string, opts: { eventsPerDay: number; timeZone: string }): TimingProfile {
  return {
    id,
    seed: CALENDAR_SEED,
    timeZone: opts.timeZone,
    activeHours: '08:00-19:00',
    eventsPerDay: opts.eventsPerDay,
    workdays: [1, 2, 3, 4, 5],
    weekendFactor: 0.15,
    offHoursFactor: 0.05,
    nightFloor: 1,
    dayOffFactor: 1,
    takesLeave: false,
    burstProbability: 0,
    burstMedianMinutes: 2,
    moodSigma: 0.3,
  };
}

/** The profile's daily window, or null when it is active around the clock. */
export function activeWindow(profile: Pick<TimingProfile, 'activeHours'>): ActiveWindow | null {
  return parseActiveHours(profile.activeHours);
}

/** Minutes per day inside the window (1440 around the clock). */
export function activeMinutesPerDay(window: ActiveWindow | null): number {
  if (!window) return 24 * 60;
  return window.start < window.end ? window.end - window.start : 24 * 60 - window.start + window.end;
}

/**
 * Events per minute inside working hours that yield `eventsPerDay` on a working day with
 * `activeMinutes` of work (the operator sets density, never a tick interval).
 */
export function densityToRate(eventsPerDay: number, activeMinutes: number = 9 * 60): number {
  if (!(eventsPerDay > 0) || !(activeMinutes > 0)) return 0;
  return eventsPerDay / activeMinutes;
}
