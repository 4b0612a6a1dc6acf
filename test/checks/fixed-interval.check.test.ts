import { describe, expect, it } from 'vitest';
import { fixedIntervalCheck, judgeSeries } from '../../src/checks/fixed-interval.check.js';
import type { CorpusEvent } from '../../src/checks/corpus.js';
import { humanDelay } from '../../src/machines/policy/cadence.js';
import { jitteredDelay } from '../builders/baseline.builders.js';
import { seededRng } from '../../src/domain/rng.js';
import { cleanCorpus } from './corpus.builder.js';

const clean = cleanCorpus();
const T0 = Date.parse('2025-02-03T09:00:00Z');

function series(gaps: number[], dst = 'local:web01'): CorpusEvent[] {
  let t = T0;
  return gaps.map((g) => {
    t += g;
    return { kind: 'file', ts: new Date(t), dst, src: null, success: true, backfilled: false };
  });
}

describe('fixed-interval', () => {
  it('passes on timing-model activity (bursty, heavy-tailed)', () => {
    const r = fixedIntervalCheck.run(clean);
    expect(r).toMatchObject({ pass: true, figure: 0 });
    expect(r.detail).toMatch(/lowest CV (1\.|[2-9])/);
  });

  it('passes on a plain Poisson process', () => {
    const rng = seededRng(3);
    const events = series(Array.from({ length: 400 }, () => -Math.log(1 - rng()) * 60_000));
    expect(fixedIntervalCheck.run({ ...clean, events, emails: [] }).pass).toBe(true);
  });

  it('fails on a fixed interval', () => {
    const events = series(Array.from({ length: 50 }, () => 60_000));
    const r = fixedIntervalCheck.run({ ...clean, events, emails: [] });
    // the decky's own series and the network's (one decky: the same timer)
    expect(r).toMatchObject({ pass: false, figure: 2 });
    expect(r.detail).toContain('decky local:web01 cv=0');
    expect(r.detail).toContain('all deckies cv=0');
  });

  it('fails on a fixed interval with uniform ±50 % jitter', () => {
    const rng = seededRng(4);
    const events = series(Array.from({ length: 200 }, () => 60_000 * (0.5 + rng())));
    expect(fixedIntervalCheck.run({ ...clean, events, emails: [] }).pass).toBe(false);
  });

  it('fails on log-normal jitter around a mean tick (the cadence before humanDelay)', () => {
    const rng = seededRng(5);
    const events = series(Array.from({ length: 200 }, () => jitteredDelay(60_000, rng)));
    expect(fixedIntervalCheck.run({ ...clean, events, emails: [] }).pass).toBe(false);
  });

  it('fails on jitter wide enough to lift the CV (σ = 0.5) through the KS test: too few short gaps', () => {
    const rng = seededRng(6);
    const events = series(Array.from({ length: 400 }, () => jitteredDelay(60_000, rng, { sigma: 0.55, min: 0.3, max: 3 })));
    const verdict = judgeSeries(events.map((e) => e.ts))!;
    expect(verdict.dShort).toBeGreaterThan(verdict.critical);
    expect(verdict.regular).toBe(true);
  });

  it('passes the daemon’s tick cadence (humanDelay)', () => {
    const rng = seededRng(7);
    const events = series(Array.from({ length: 400 }, () => humanDelay(60_000, rng)));
    expect(fixedIntervalCheck.run({ ...clean, events, emails: [] }).pass).toBe(true);
  });

  it('does not judge series shorter than ten gaps', () => {
    const events = series([60_000, 60_000, 60_000]);
    expect(fixedIntervalCheck.run({ ...clean, events, emails: [] })).toMatchObject({ pass: true, skipped: true });
  });
});
