import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../src/surfaces/metrics/registry.js';

describe('createMetricsRegistry', () => {
  it('renders counters with HELP, TYPE and one line per label set', () => {
    const r = createMetricsRegistry();
    const c = r.counter({ name: 'jobs_total', help: 'Jobs done.', labelNames: ['kind', 'result'] });
    c.inc({ kind: 'traffic', result: 'success' });
    c.inc({ kind: 'traffic', result: 'success' }, 2);
    c.inc({ kind: 'file', result: 'failure' });
    expect(r.render()).toBe(
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="traffic",result="success"} 3',
        'jobs_total{kind="file",result="failure"} 1',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms with cumulative buckets, +Inf, _sum and _count', () => {
    const r = createMetricsRegistry();
    const h = r.histogram({ name: 'lat_seconds', help: 'Latency.', labelNames: ['kind'], buckets: [0.1, 1, 5] });
    for (const v of [0.05, 0.1, 0.5, 3, 9]) h.observe({ kind: 'x' }, v);
    expect(r.render().split('\n')).toEqual([
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{kind="x",le="0.1"} 2',
      'lat_seconds_bucket{kind="x",le="1"} 3',
      'lat_seconds_bucket{kind="x",le="5"} 4',
      'lat_seconds_bucket{kind="x",le="+Inf"} 5',
      'lat_seconds_sum{kind="x"} 12.65',
      'lat_seconds_count{kind="x"} 5',
      '',
    ]);
  });

  it('renders gauges, unlabelled metrics and special values', () => {
    const r = createMetricsRegistry();
    const g = r.gauge({ name: 'up', help: 'Up.' });
    g.set({}, 1);
    const inf = r.gauge({ name: 'weird', help: 'Odd values.', labelNames: ['v'] });
    inf.set({ v: 'inf' }, Number.POSITIVE_INFINITY);
    inf.set({ v: 'nan' }, Number.NaN);
    const text = r.render();
    expect(text).toContain('# TYPE up gauge\nup 1\n');
    expect(text).toContain('weird{v="inf"} +Inf\nweird{v="nan"} NaN\n');
    inf.reset();
    expect(r.render()).not.toContain('weird{');
  });

  it('escapes label values and help text so a hostile value cannot forge a line', () => {
    const r = createMetricsRegistry();
    const c = r.counter({ name: 'x_total', help: 'line one\nline \\two', labelNames: ['v'] });
    c.inc({ v: 'a"b\\c\nx_total{v="forged"} 999' });
    const lines = r.render().trimEnd().split('\n');
    expect(lines).toEqual([
      '# HELP x_total line one\\nline \\\\two',
      '# TYPE x_total counter',
      'x_total{v="a\\"b\\\\c\\nx_total{v=\\"forged\\"} 999"} 1',
    ]);
  });

  it('runs collectors before rendering', () => {
    const r = createMetricsRegistry();
    const g = r.gauge({ name: 'actors', help: 'Actors.', labelNames: ['type'] });
    let n = 0;
    r.onCollect(() => g.set({ type: 'decky' }, ++n));
    r.render();
    expect(r.render()).toContain('actors{type="decky"} 2');
  });

  it('refuses bad names, duplicates, wrong labels, bad buckets and decrements', () => {
    const r = createMetricsRegistry();
    expect(() => r.counter({ name: '1bad', help: '' })).toThrow(/metric name/);
    expect(() => r.counter({ name: 'ok', help: '', labelNames: ['__x'] })).toThrow(/label name/);
    expect(() => r.histogram({ name: 'h', help: '', labelNames: ['le'], buckets: [1] })).toThrow(/label name/);
    const c = r.counter({ name: 'c_total', help: '', labelNames: ['k'] });
    expect(() => r.gauge({ name: 'c_total', help: '' })).toThrow(/twice/);
    expect(() => c.inc({})).toThrow(/needs label k/);
    expect(() => c.inc({ k: 'a', z: 'b' })).toThrow(/no label z/);
    expect(() => c.inc({ k: 'a' }, -1)).toThrow(/only go up/);
    expect(() => r.histogram({ name: 'h2', help: '', buckets: [1, 1] })).toThrow(/increasing/);
    expect(() => r.histogram({ name: 'h3', help: '', buckets: [] })).toThrow(/increasing/);
  });

  it('keeps registries apart: a factory, not a singleton', () => {
    const a = createMetricsRegistry();
    const b = createMetricsRegistry();
    a.counter({ name: 'same_total', help: 'x' }).inc();
    expect(() => b.counter({ name: 'same_total', help: 'x' })).not.toThrow();
    expect(b.render()).not.toContain('same_total 1');
  });
});
