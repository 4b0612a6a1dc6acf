/** One element chosen uniformly (clamped so a faulty rng cannot index past the end). */
export function choose<T>(items: readonly T[], rng: () => number): T {
  if (items.length === 0) throw new RangeError('choose from an empty list');
  const r = rng();
  const i = Number.isFinite(r) ? Math.floor(r * items.length) : 0;
  return items[Math.min(items.length - 1, Math.max(0, i))]!;
}

/** An integer in [lo, hi], inclusive. */
export function between(lo: number, hi: number, rng: () => number): number {
  return lo + Math.min(hi - lo, Math.floor(rng() * (hi - lo + 1)));
}

/** `n` distinct elements in random order (fewer when the list is shorter). */
export function chooseSome<T>(items: readonly T[], n: number, rng: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rng() * pool.length) % pool.length, 1)[0]!);
  return out;
}

/** First name of a display name, for signatures. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
