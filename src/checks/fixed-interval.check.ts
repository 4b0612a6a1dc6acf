import { coefficientOfVariation, gapsOf, ksExponential } from '../machines/realism/gap-stats.js';
import { type RealismCheck, round, sample, skipped, verdict } from './corpus.js';

const NAME = 'fixed-interval';
/** Fewest gaps a series needs before it is judged. */
const MIN_GAPS = 10;
/** A series whose gaps vary less than this (CV) runs on a timer. */
const MIN_CV = 0.5;
/** Lilliefors' exponential critical value at α = 0.01 is 1.25/√n. */
const KS_COEFFICIENT = 1.25;

/** Why one series of timestamps looks machine-made, or null when it looks like people. */
export function judgeSeries(times: readonly Date[]): { cv: number; dShort: number; critical: number; regular: boolean } | null {
  const gaps = gapsOf(times);
  if (gaps.length < MIN_GAPS) return null;
  const cv = coefficientOfVariation(gaps);
  const ks = ksExponential(gaps);
  const critical = KS_COEFFICIENT / Math.sqrt(gaps.length);
  return { cv, dShort: ks.dShort, critical, regular: !(cv >= MIN_CV) || ks.dShort > critical };
}

/**
 * Timer-driven activity: per destination decky and for the whole network (events) and per
 * sender (emails), the gaps'
 * coefficient of variation and a one-sided Kolmogorov–Smirnov test against exponential gaps of
 * the same mean (too few short gaps = a fixed interval plus jitter). Human activity is bursty:
 * CV ≥ 1 and at least as many short gaps as a Poisson process.
 */
export const fixedIntervalCheck: RealismCheck = {
  name: NAME,
  description: 'fixed cadence: gap CV and a KS test against exponential gaps, per decky, network and sender',
  run(corpus) {
    const series = new Map<string, Date[]>();
    const add = (key: string, t: Date) => {
      const list = series.get(key) ?? [];
      list.push(t);
      series.set(key, list);
    };
    for (const e of corpus.events) {
      add(`decky ${e.dst}`, e.ts);
      // the network as a whole: many people together are never one timer
      add('all deckies', e.ts);
    }
    for (const e of corpus.emails) if (e.success) add(`sender ${e.sender.toLowerCase()}`, e.ts);
    const judged = [...series].map(([key, times]) => [key, judgeSeries(times)] as const).filter((j) => j[1] !== null);
    if (judged.length === 0) return skipped(NAME, '<=', 0, `no series with ${MIN_GAPS} or more gaps`);
    const regular = judged.filter(([, j]) => j!.regular);
    const minCv = Math.min(...judged.map(([, j]) => j!.cv));
    const lines = regular.map(([key, j]) => `${key} cv=${round(j!.cv)} D=${round(j!.dShort)}>${round(j!.critical)}?`);
    return verdict(
      NAME,
      regular.length,
      '<=',
      0,
      `${judged.length} series judged, lowest CV ${round(minCv)}${lines.length ? `; timer-like: ${sample(lines)}` : ''}`,
    );
  },
};
