/** Label values of one series, keyed by label name. */
type Labels = Readonly<Record<string, string>>;

/** What every metric is declared with. */
interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** A monotonically increasing count. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A value that goes up and down. */
export interface Gauge {
  set(labels: Labels, value: number): void;
  /** drops every series, so a re-filled gauge carries no stale label sets */
  reset(): void;
}

/** A distribution over fixed upper bounds. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** A set of metrics rendered in the Prometheus text exposition format 0.0.4. */
export interface MetricsRegistry {
  counter(o: MetricOptions): Counter;
  gauge(o: MetricOptions): Gauge;
  histogram(o: MetricOptions & { buckets: readonly number[] }): Histogram;
  /** runs before every render: the place to pull values that live elsewhere (actor counts) */
  onCollect(fn: () => void): void;
  render(): string;
}

/** Content type of `render()` output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly string[];
  lines(): string[];
}

/** Creates an empty registry; one per process, passed around rather than imported. */
export function createMetricsRegistry(): MetricsRegistry {
  const families = new Map<string, Family>();
  const collectors: Array<() => void> = [];

  const add = (f: Family): void => {
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    for (const l of f.labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'le') throw new Error(`invalid label name ${JSON.stringify(l)}`);
    }
    if (families.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    families.set(f.name, f);
  };

  return {
    counter(o) {
      const labelNames = o.labelNames ?? [];
      const series = new Map<string, number>();
      add({ ...o, type: 'counter', labelNames, lines: () => [...series].map(([k, v]) => `${o.name}${k} ${num(v)}`) });
      return {
        inc(labels = {}, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${o.name} can only go up`);
          const k = labelKey(o.name, labelNames, labels);
          series.set(k, (series.get(k) ?? 0) + by);
        },
      };
    },
    gauge(o) {
      const labelNames = o.labelNames ?? [];
      const series = new Map<string, number>();
      add({ ...o, type: 'gauge', labelNames, lines: () => [...series].map(([k, v]) => `${o.name}${k} ${num(v)}`) });
      return {
        set(labels, value) {
          series.set(labelKey(o.name, labelNames, labels), value);
        },
        reset() {
          series.clear();
        },
      };
    },
    histogram(o) {
      const labelNames = o.labelNames ?? [];
      const buckets = [...o.buckets];
      if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
        throw new Error(`histogram ${o.name} needs finite, strictly increasing buckets`);
      }
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      add({ ...o, type: 'histogram', labelNames, lines: () => histogramLines(o.name, labelNames, buckets, series) });
      return {
        observe(labels, value) {
          const k = labelKey(o.name, labelNames, labels);
          let s = series.get(k);
          if (!s) {
            s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
            series.set(k, s);
          }
          // counts are per bucket here; render makes them cumulative
          const i = buckets.findIndex((b) => value <= b);
          if (i >= 0) s.counts[i]! += 1;
          s.sum += value;
          s.count += 1;
        },
      };
    },
    onCollect(fn) {
      collectors.push(fn);
    },
    render() {
      for (const fn of collectors) fn();
      const out: string[] = [];
      for (const f of families.values()) {
        out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.lines());
      }
      return out.length ? `${out.join('\n')}\n` : '';
    },
  };
}

function histogramLines(
  name: string,
  labelNames: readonly string[],
  buckets: number[],
  series: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>,
): string[] {
  const lines: string[] = [];
  for (const s of series.values()) {
    let cumulative = 0;
    buckets.forEach((b, i) => {
      cumulative += s.counts[i]!;
      lines.push(`${name}_bucket${renderLabels(labelNames, s.labels, ['le', num(b)])} ${cumulative}`);
    });
    lines.push(`${name}_bucket${renderLabels(labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
    lines.push(`${name}_sum${renderLabels(labelNames, s.labels)} ${num(s.sum)}`);
    lines.push(`${name}_count${renderLabels(labelNames, s.labels)} ${s.count}`);
  }
  return lines;
}

// the rendered label block doubles as the series key: same labels, same text.
function labelKey(name: string, labelNames: readonly string[], labels: Labels): string {
  for (const k of Object.keys(labels)) {
    if (!labelNames.includes(k)) throw new Error(`metric ${name} has no label ${k}`);
  }
  for (const k of labelNames) {
    if (typeof labels[k] !== 'string') throw new Error(`metric ${name} needs label ${k}`);
  }
  return renderLabels(labelNames, labels);
}

function renderLabels(labelNames: readonly string[], labels: Labels, extra?: [string, string]): string {
  const parts = labelNames.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
