import type { Counter } from './registry.js';

/** The label value every value past the bound is folded into. */
const OTHER_LABEL = 'other';

/** Options of `createLabelBound`. */
interface LabelBoundOptions {
  /** label name, as counted in the overflow counter */
  label: string;
  /** values that always keep their own series */
  known: readonly string[];
  /** how many values besides the known ones get a series of their own */
  extra: number;
  /** `decnet_metric_label_overflow_total{label}`: one per value folded into `other` */
  overflow: Counter;
}

/**
 * Keeps one label's series bounded whatever the bus carries: known values and the first `extra`
 * others map to themselves, every later one to `other` (counted), so forged heartbeats or events
 * with fresh names cannot grow the metrics without bound.
 */
export function createLabelBound(o: LabelBoundOptions): (value: string) => string {
  const admitted = new Set<string>();
  return (value) => {
    if (o.known.includes(value) || admitted.has(value)) return value;
    if (admitted.size < o.extra) {
      admitted.add(value);
      return value;
    }
    o.overflow.inc({ label: o.label });
    return OTHER_LABEL;
  };
}
