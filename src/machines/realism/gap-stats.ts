/** Gaps between consecutive instants (sorted first), in the unit of the input (ms for dates). */
export function gapsOf(times: readonly (Date | number)[]): number[] {
  const ms = times.map((t) => (typeof t === 'number' ? t : t.getTime())).sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 1; i < ms.length; i += 1) out.push(ms[i]! - ms[i - 1]!);
  return out;
}

/** Arithmetic mean; NaN for an empty list. */
function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Coefficient of variation (population standard deviation / mean). 0 for a fixed interval,
 * ≈ 0.3 for an interval with ±50 % uniform jitter, 1 for a Poisson process, > 1 for bursty,
 * heavy-tailed activity. NaN with fewer than two values or a zero mean.
 */
export function coefficientOfVariation(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  if (!(m > 0)) return Number.NaN;
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length;
  return Math.sqrt(variance) / m;
}

/** One-sample Kolmogorov–Smirnov statistics of a sample against a continuous CDF. */
interface KsResult {
  n: number;
  /** sup |F_n − F| */
  d: number;
  /** sup (F_n − F): the sample has too many small values */
  dPlus: number;
  /** sup (F − F_n): the sample has too few small values */
  dMinus: number;
}

/** KS statistics of `sample` against `cdf`, evaluated at every order statistic (both sides of each step). */
function ksStatistic(sample: readonly number[], cdf: (x: number) => number): KsResult {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let dPlus = 0;
  let dMinus = 0;
  for (let i = 0; i < n; i += 1) {
    const f = cdf(xs[i]!);
    dPlus = Math.max(dPlus, (i + 1) / n - f);
    dMinus = Math.max(dMinus, f - i / n);
  }
  return { n, d: Math.max(dPlus, dMinus), dPlus, dMinus };
}

/**
 * KS against an exponential distribution whose mean is the sample's (Lilliefors' setting),
 * plus `dShort`: the largest shortfall of the sample's CDF below the exponential's for gaps up to
 * the mean. A fixed interval with jitter has almost no short gaps (large `dShort`); Poisson
 * and bursty human activity have at least as many as the exponential (small `dShort`).
 */
export function ksExponential(gaps: readonly number[]): KsResult & { dShort: number; critical: number } {
  const m = mean(gaps);
  const rate = m > 0 ? 1 / m : 0;
  const cdf = (x: number) => (x <= 0 ? 0 : 1 - Math.exp(-rate * x));
  const ks = ksStatistic(gaps, cdf);
  const xs = [...gaps].sort((a, b) => a - b);
  let dShort = 0;
  let below = 0;
  for (; below < xs.length && xs[below]! <= m; below += 1) dShort = Math.max(dShort, cdf(xs[below]!) - below / xs.length);
  if (xs.length > 0) dShort = Math.max(dShort, cdf(m) - below / xs.length);
  // Lilliefors (1969), exponential with estimated mean, α = 0.05: 1.06/√n (asymptotic form)
  return { ...ks, dShort, critical: ks.n > 0 ? 1.06 / Math.sqrt(ks.n) : Number.NaN };
}
