import { seededRng } from '../../domain/rng.js';

/** FNV-1a over the parts (joined by NUL): a stable 32-bit seed for "this persona, this day". */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.map(String).join('\u0000');
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A deterministic uniform source for the given parts; the same parts always give the same sequence. */
export function rngFor(...parts: readonly (string | number)[]): () => number {
  return seededRng(hashSeed(...parts));
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
