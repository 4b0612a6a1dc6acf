import type { RunningDecky } from '../../infra/store/inventory.port.js';

/** What the policy chose for one action slot (SPEC §2). */
export type PickResult =
  | { kind: 'traffic'; src: RunningDecky; dst: RunningDecky }
  | { kind: 'file'; dst: RunningDecky };

/** Tuning of `pick`; the defaults are the original MVP behaviour. */
export interface PickOptions {
  /** probability of traffic when two or more deckies are eligible (default 0.5) */
  trafficShare?: number;
}

/** SSH-eligible: `services` is a real list containing `ssh`, and `ip` is set (SPEC §2). */
export function isSshEligible(d: RunningDecky): boolean {
  return Array.isArray(d.services) && d.services.includes('ssh') && typeof d.ip === 'string' && d.ip !== '';
}

/**
 * The pure scheduling policy (SPEC §2): no eligible decky → null, one → a file action on it,
 * two or more → traffic between two distinct deckies or a file action, by `trafficShare`.
 */
export function pick(deckies: readonly RunningDecky[], rng: () => number, opts: PickOptions = {}): PickResult | null {
  const eligible = deckies.filter(isSshEligible);
  if (eligible.length === 0) return null;
  if (eligible.length === 1) return { kind: 'file', dst: eligible[0]! };
  const share = opts.trafficShare ?? 0.5;
  if (rng() < share) {
    const i = index(rng, eligible.length);
    // draw from the n-1 others and skip over i, so src ≠ dst without rejection loops
    let j = index(rng, eligible.length - 1);
    if (j >= i) j += 1;
    return { kind: 'traffic', src: eligible[i]!, dst: eligible[j]! };
  }
  return { kind: 'file', dst: eligible[index(rng, eligible.length)]! };
}

// clamps so an rng that returns exactly 1 (or garbage) still yields a valid index
function index(rng: () => number, n: number): number {
  const r = rng();
  const i = Math.floor((Number.isFinite(r) ? r : 0) * n);
  return Math.min(Math.max(i, 0), n - 1);
}
