import { intensityAt } from '../realism/intensity.js';
import { profileForDecky } from '../realism/timing-profile.js';

/** How actions are spread over time (SPEC §2 "original cadence", §7 "fixed cadence is a tell"). */
interface CadenceOptions {
  /** mean tick interval in ms */
  intervalMs: number;
  /**
   * actions per eligible decky per hour; unset → the original mode, one action per tick.
   * With a rate, the count per tick grows with the fleet, so a big fleet is not quieter per host.
   */
  ratePerDeckyPerHour?: number;
}

/** Density mode (issue 7): the operator sets actions per decky per working day, shaped by the clock. */
export interface Density {
  actionsPerDay: number;
  /** IANA zone whose working hours shape the day */
  timeZone: string;
}

/**
 * The rate (actions per eligible decky per hour) in force at `now`: the fixed `--rate`, or in
 * density mode the decky profile's intensity at that instant (busy at 10:00 on a Tuesday, nearly
 * silent at 03:00 on a Sunday). Null is the original one-action-per-tick mode.
 */
export function rateAt(fixed: number | null, density: Density | null, now: number | null): number | null {
  if (!density) return fixed;
  // before the first inventory read there is nobody to act on anyway
  if (now === null) return 0;
  return intensityAt(profileForDecky('deckies', { eventsPerDay: density.actionsPerDay, timeZone: density.timeZone }), new Date(now)) * 60;
}

/** How many actions to start this tick: 1 in original mode, else a Poisson draw (bounded). */
export function actionsThisTick(eligible: number, rng: () => number, opts: CadenceOptions): number {
  if (eligible <= 0) return 0;
  if (opts.ratePerDeckyPerHour === undefined) return 1;
  const mean = (opts.ratePerDeckyPerHour * eligible * opts.intervalMs) / 3_600_000;
  // each action occupies at least one decky, so more than `eligible` could never start
  return Math.min(poisson(mean, rng), eligible);
}

/** Poisson-distributed count with the given mean; Knuth below 30, normal approximation above. */
export function poisson(mean: number, rng: () => number): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k += 1;
    p *= rng();
  }
  return k;
}

/**
 * Next delay drawn like the gaps of a Poisson process (exponential, CV ≈ 1) with the configured
 * mean, clamped to [0.02, 6] × interval: no period to find, and as many short gaps as people make.
 * Log-normal jitter around a mean still looks like a timer to a KS test (§7).
 */
export function humanDelay(intervalMs: number, rng: () => number): number {
  const factor = -Math.log(1 - rng());
  const bounded = Math.min(Math.max(factor, 0.02), 6);
  return Math.max(1, Math.round(intervalMs * bounded));
}
