/** A source of uniform numbers in [0, 1); `Math.random` in production, seeded in tests. */
export type Rng = () => number;

/** One element chosen uniformly; undefined for an empty list. */
export function pickOne<T>(items: readonly T[], rng: Rng): T | undefined {
  if (items.length === 0) return undefined;
  // clamp: a faulty rng returning 1 must not index past the end
  return items[Math.min(items.length - 1, Math.floor(rng() * items.length))];
}

/** Up to `n` distinct elements in random order (partial Fisher–Yates on a copy). */
export function pickDistinct<T>(items: readonly T[], n: number, rng: Rng): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) {
    const i = Math.min(pool.length - 1, Math.floor(rng() * pool.length));
    out.push(pool.splice(i, 1)[0] as T);
  }
  return out;
}

/** A seeded random source whose whole state is one 32-bit integer (serialisable in context). */
interface SeededRng {
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
