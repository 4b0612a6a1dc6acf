import { describe, expect, it } from 'vitest';
import { outsideShare, SMALL_SAMPLE } from '../../src/checks/outside-hours.js';

describe('outsideShare', () => {
  it('forgives one late item in a small corpus, but not two', () => {
    expect(outsideShare(1, 6)).toBe(0);
    expect(outsideShare(2, 6)).toBeCloseTo(1 / 6);
  });

  it('counts every item once the corpus is large enough to show a pattern', () => {
    expect(outsideShare(1, SMALL_SAMPLE)).toBeCloseTo(1 / SMALL_SAMPLE);
    expect(outsideShare(0, 0)).toBe(0);
  });
});
