import { describe, expect, it } from 'vitest';
import { actionsThisTick, humanDelay, poisson } from '../../../src/machines/policy/cadence.js';
import { seededRng } from '../../../src/domain/rng.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('cadence', () => {
  it('in original mode starts exactly one action per tick, none when nothing is eligible', () => {
    const rng = seededRng(3);
    expect(actionsThisTick(0, rng, { intervalMs: 60_000 })).toBe(0);
    expect(actionsThisTick(1, rng, { intervalMs: 60_000 })).toBe(1);
    expect(actionsThisTick(1000, rng, { intervalMs: 60_000 })).toBe(1);
  });

  it('in rate mode scales with the fleet: the mean count is rate × eligible × tick / 1 h', () => {
    const rng = seededRng(11);
    // 12 actions per decky per hour, 100 deckies, 60 s ticks → 20 actions per tick on average
    const counts = Array.from({ length: 3000 }, () => actionsThisTick(100, rng, { intervalMs: 60_000, ratePerDeckyPerHour: 12 }));
    expect(mean(counts)).toBeGreaterThan(19);
    expect(mean(counts)).toBeLessThan(21);
    // a 2-decky fleet at the same rate is proportionally quieter per tick, not per decky
    const small = Array.from({ length: 3000 }, () => actionsThisTick(2, rng, { intervalMs: 60_000, ratePerDeckyPerHour: 12 }));
    expect(mean(small)).toBeGreaterThan(0.35);
    expect(mean(small)).toBeLessThan(0.45);
  });

  it('never starts more actions than there are eligible deckies', () => {
    const rng = seededRng(5);
    for (let i = 0; i < 500; i += 1) {
      expect(actionsThisTick(3, rng, { intervalMs: 3_600_000, ratePerDeckyPerHour: 100 })).toBeLessThanOrEqual(3);
    }
  });

  it('draws Poisson counts with the right mean on both sides of the normal approximation', () => {
    const rng = seededRng(9);
    for (const m of [0.5, 4, 80]) {
      const xs = Array.from({ length: 4000 }, () => poisson(m, rng));
      expect(Math.abs(mean(xs) - m)).toBeLessThan(m * 0.08 + 0.05);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    expect(poisson(0, rng)).toBe(0);
    expect(poisson(Number.NaN, rng)).toBe(0);
  });

  it('draws human delays: the configured mean, as many short gaps as a Poisson process, bounded', () => {
    const rng = seededRng(21);
    const xs = Array.from({ length: 5000 }, () => humanDelay(60_000, rng));
    const m = mean(xs);
    const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
    expect(Math.abs(m - 60_000)).toBeLessThan(3_000);
    expect(sd / m).toBeGreaterThan(0.9);
    // P(gap < mean/10) of an exponential is 1 - e^-0.1 ≈ 9.5 %
    expect(xs.filter((x) => x < 6_000).length / xs.length).toBeGreaterThan(0.08);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.02 * 60_000);
    expect(Math.max(...xs)).toBeLessThanOrEqual(6 * 60_000);
  });

  it('never returns a delay under 1 ms, even for tiny intervals', () => {
    const rng = seededRng(1);
    for (let i = 0; i < 100; i += 1) expect(humanDelay(1, rng)).toBeGreaterThanOrEqual(1);
  });
});

describe('seededRng', () => {
  it('is reproducible from its stored state, which lets a machine keep it in context', () => {
    const a = seededRng(123);
    a();
    a();
    const resumed = seededRng(a.state());
    expect([a(), a(), a()]).toEqual([resumed(), resumed(), resumed()]);
  });

  it('stays in [0, 1)', () => {
    const r = seededRng(0);
    const xs = Array.from({ length: 10_000 }, () => r());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
