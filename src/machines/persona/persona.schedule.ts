import type { Persona } from '../../domain/persona.js';
import { isActive, msUntilActive, personaTimeZone } from '../email/active-hours.js';
import type { Rng } from '../../domain/rng.js';
import { nextEventAt } from '../realism/next-event.js';
import { CALENDAR_SEED, profileForPersona, type TimingProfile } from '../realism/timing-profile.js';

/** Mean gap between a persona's own writes (reply_latency `normal`). */
export const DEFAULT_MEAN_GAP_MS = 4 * 60 * 60_000;
/** How often a persona without its own schedule still wakes to re-check (it writes only when asked). */
export const CHECK_WITHOUT_SCHEDULE_MS = 24 * 60 * 60_000;
/** Longest timer ever armed: Node turns anything past 2^31-1 ms into 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Longest rest jitter after the active window opens, so a team does not all write at 09:00 sharp. */
const REST_JITTER_MS = 25 * 60_000;

// heavy tail (Pareto, α = 1.5): mostly short gaps, now and then a long silence, as people write
const ALPHA = 1.5;
const MAX_GAP_FACTOR = 12;
const LATENCY_FACTOR: Readonly<Record<Persona['reply_latency'], number>> = { fast: 0.5, normal: 1, slow: 2 };

/** The gap before the persona's next own write: Pareto-distributed around the mean, scaled by its reply latency. */
export function nextGap(persona: Pick<Persona, 'reply_latency'>, meanGapMs: number, rng: Rng): number {
  if (!(meanGapMs > 0)) return CHECK_WITHOUT_SCHEDULE_MS;
  const mean = meanGapMs * LATENCY_FACTOR[persona.reply_latency];
  const scale = (mean * (ALPHA - 1)) / ALPHA;
  // 1 - rng() is in (0, 1]: never a division by zero
  const gap = scale / (1 - rng()) ** (1 / ALPHA);
  return Math.round(Math.min(gap, mean * MAX_GAP_FACTOR, MAX_TIMER_MS));
}

/** How long to rest from `now` until the persona's window opens, plus a little jitter (≥ 1 min). */
export function restDelay(persona: Pick<Persona, 'active_hours' | 'timezone'>, now: Date, rng: Rng, fallbackZone?: string): number {
  const until = msUntilActive(persona, now, fallbackZone);
  return Math.min(Math.max(until, 60_000) + Math.round(rng() * REST_JITTER_MS), MAX_TIMER_MS);
}

/** True when `persona` is inside its active hours at epoch ms `at`. */
export function activeAt(persona: Pick<Persona, 'active_hours' | 'timezone'>, at: number, fallbackZone?: string | null): boolean {
  return isActive(persona, new Date(at), fallbackZone ?? undefined);
}

/** A timer delay from `clock` to `deadline`, never negative and never past what a timer can hold. */
export function timerDelay(deadline: number, clock: number): number {
  return Math.min(Math.max(deadline - clock, 0), MAX_TIMER_MS);
}

/** How a persona's own writes are spread: the human process at a density, or the legacy mean gap. */
export interface OwnSchedule {
  /** emails per persona per working day; > 0 → the non-homogeneous Poisson process (issue 7) */
  emailsPerDay: number;
  /** mean gap of the legacy heavy-tailed schedule (used when `emailsPerDay` is 0; 0 → only when asked) */
  meanGapMs: number;
  fallbackZone: string | null;
}

/**
 * The persona's timing profile at `emailsPerDay`: its hours in its zone, weekdays, its leave
 * calendar, bursts whose follow-up comes sooner when it answers fast.
 */
export function personaProfile(
  persona: Pick<Persona, 'email' | 'active_hours' | 'timezone' | 'reply_latency'>,
  emailsPerDay: number,
  fallbackZone: string | null,
): TimingProfile {
  const profile = profileForPersona(persona, {
    eventsPerDay: emailsPerDay,
    seed: CALENDAR_SEED,
    fallbackZone: personaTimeZone(persona, fallbackZone ?? undefined),
  });
  return { ...profile, burstMedianMinutes: profile.burstMedianMinutes * LATENCY_FACTOR[persona.reply_latency] };
}

/** When the persona writes on its own next, strictly after `after` (epoch ms). */
export function nextOwnWrite(
  persona: Pick<Persona, 'email' | 'active_hours' | 'timezone' | 'reply_latency'>,
  schedule: OwnSchedule,
  after: number,
  rng: Rng,
): number {
  if (schedule.emailsPerDay > 0)
    return nextEventAt(personaProfile(persona, schedule.emailsPerDay, schedule.fallbackZone), new Date(after), rng).getTime();
  return after + nextGap(persona, schedule.meanGapMs, rng);
}
