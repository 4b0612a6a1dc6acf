import { intensityAt, insideHours, peakIntensity } from './intensity.js';
import { normal } from './seed-hash.js';
import type { TimingProfile } from './timing-profile.js';

// enough candidates for months of silence at any sane density; past it the caller gets a far date
const MAX_CANDIDATES = 2_000_000;

/**
 * The next event strictly after `after` (normally the previous event). With the profile's burst
 * probability it is a follow-up a few minutes later (log-normal gap, kept only inside working
 * hours); otherwise the next point of the non-homogeneous Poisson process, drawn by thinning
 * (Lewis–Shedler) under the constant envelope `peakIntensity`. Gaps are therefore heavy-tailed:
 * minutes inside a burst, hours across an evening, days across a weekend or a holiday.
 */
export function nextEventAt(profile: TimingProfile, after: Date, rng: () => number): Date {
  const start = after.getTime();
  if (rng() < profile.burstProbability) {
    const minutes = profile.burstMedianMinutes * Math.exp(0.8 * normal(rng));
    const candidate = new Date(start + Math.max(20_000, minutes * 60_000));
    if (insideHours(profile, candidate) && intensityAt(profile, candidate) > 0) return candidate;
  }
  const lambdaMax = peakIntensity(profile);
  if (!(lambdaMax > 0)) return new Date(start + 365 * 86_400_000);
  let t = start;
  for (let i = 0; i < MAX_CANDIDATES; i += 1) {
    // exponential gap under the envelope, in minutes
    t += (-Math.log(1 - rng()) / lambdaMax) * 60_000;
    const at = new Date(Math.round(t));
    if (rng() * lambdaMax < intensityAt(profile, at)) return at.getTime() > start ? at : new Date(start + 1000);
  }
  return new Date(Math.round(t));
}

/** Every event in `[from, to)`, in order, starting the process at `from`. */
export function sampleEventTimes(profile: TimingProfile, from: Date, to: Date, rng: () => number, max = 100_000): Date[] {
  const out: Date[] = [];
  let t = from;
  while (out.length < max) {
    t = nextEventAt(profile, t, rng);
    if (t.getTime() >= to.getTime()) break;
    out.push(t);
  }
  return out;
}
