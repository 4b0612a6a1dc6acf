import { describe, expect, it } from 'vitest';
import { atLeast, atMost, figure, fmt, formatTable } from '../../bench/lib/report.js';
import { percentile } from '../../bench/lib/measure.js';

describe('bench report › figures, targets and the table', () => {
  it('computes the ratio to the baseline and judges targets', () => {
    const f = figure('daemon throughput', 'actions/s', 45, {
      baseline: { name: 'raw', value: 50 },
      target: atLeast(45 / 50, 0.9, '≥ 0.9 × raw'),
    });
    expect(f.ratio).toBeCloseTo(0.9);
    expect(f.target?.met).toBe(true);
    expect(atMost(Number.NaN, 50, '≤ 50 ms').met).toBe(false);
  });

  it('prints one row per figure, a skipped scenario with its reason, and MISSED targets', () => {
    const text = formatTable({
      machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 4, kernel: 'k', node: 'v20', docker: 'none' },
      startedAt: '',
      durationMs: 0,
      scenarios: [
        { id: 'a', title: 'A', info: {}, figures: [figure('lag', 'ms', 80, { target: atMost(80, 50, '≤ 50 ms') })] },
        { id: 'b', title: 'B', info: {}, figures: [], skipped: 'no engine' },
      ],
    });
    expect(text).toMatch(/a\s+lag\s+80 ms.*≤ 50 ms\s+MISSED/);
    expect(text).toContain('skipped: no engine');
  });

  it('reads nearest-rank percentiles and formats numbers to three digits', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(fmt(0.123456)).toBe('0.123');
    expect(fmt(12345.6)).toBe('12346');
  });
});
