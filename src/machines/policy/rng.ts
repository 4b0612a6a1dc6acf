/** A seeded random source whose whole state is one 32-bit integer (serialisable in context). */
export interface SeededRng {
  /** uniform in [0, 1) */
  (): number;
  /** the state to store so the sequence continues where it stopped */
  state(): number;
}

/** mulberry32: tiny, fast and good enough for scheduling; never for secrets. */
export function seededRng(seed: number): SeededRng {
  let s = seed >>> 0;
  const next = (() => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededRng;
  next.state = () => s;
  return next;
}
