import { describe, expect, it } from 'vitest';
import { rateAt } from '../../../src/machines/policy/cadence.js';
import { localDay } from '../../../src/machines/realism/local-time.js';

const density = { actionsPerDay: 24, timeZone: 'Europe/Berlin' };
const at = (iso: string) => Date.parse(iso);

describe('rateAt (density mode)', () => {
  it('is the fixed --rate, or null for the original mode, when no density is set', () => {
    expect(rateAt(12, null, at('2026-11-24T09:00:00Z'))).toBe(12);
    expect(rateAt(null, null, at('2026-11-24T09:00:00Z'))).toBeNull();
  });

  it('follows the working day in the deckies’ zone: busy on a Tuesday morning, near silent on a Sunday night', () => {
    // 10:00 and 03:00 Berlin time
    const tuesday = rateAt(null, density, at('2026-11-24T09:00:00Z'))!;
    const sunday = rateAt(null, density, at('2026-11-29T02:00:00Z'))!;
    expect(tuesday).toBeGreaterThan(1);
    expect(sunday).toBeLessThan(tuesday / 50);
    // the same instant read in a zone where it is the middle of the night
    expect(rateAt(null, { ...density, timeZone: 'America/Los_Angeles' }, at('2026-11-24T09:00:00Z'))!).toBeLessThan(tuesday / 10);
  });

  it('adds up to about the set actions per working day, and far fewer at weekends', () => {
    const perDay = new Map<string, number>();
    const weekday = new Map<string, number>();
    const start = at('2026-09-07T00:00:00Z');
    const step = 5 * 60_000;
    for (let t = start; t < start + 8 * 7 * 86_400_000; t += step) {
      const local = localDay(new Date(t), density.timeZone);
      perDay.set(local.dayKey, (perDay.get(local.dayKey) ?? 0) + (rateAt(null, density, t)! * step) / 3_600_000);
      weekday.set(local.dayKey, local.weekday);
    }
    const work = [...perDay].filter(([k]) => ![0, 6].includes(weekday.get(k)!)).map(([, v]) => v);
    const rest = [...perDay].filter(([k]) => [0, 6].includes(weekday.get(k)!)).map(([, v]) => v);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(work)).toBeGreaterThan(24 * 0.8);
    expect(mean(work)).toBeLessThan(24 * 1.3);
    expect(mean(rest)).toBeLessThan(mean(work) * 0.3);
    // day-to-day mood: no two working days alike
    expect(new Set(work.map((v) => v.toFixed(3))).size).toBe(work.length);
  });
});
