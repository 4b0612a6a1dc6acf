import type { RunningDecky } from '../../domain/decky.js';

/** What the policy chose for one action slot (SPEC §2). */
type PickResult = { kind: 'traffic'; src: RunningDecky; dst: RunningDecky } | { kind: 'file'; dst: RunningDecky };

/** Tuning of `pick`; the defaults are the original MVP behaviour. */
interface PickOptions {
  /** probability of traffic when two or more deckies are eligible (default 0.5) */
  trafficShare?: number;
  /**
   * `everyonePairs(eligible)`, when the caller already knows it: a tick picks many times from one
   * shrinking pool, and a subset of a pool where everyone pairs still does (O(n) once, not per pick)
   */
  everyonePairs?: boolean;
}

/** SSH-eligible: `services` is a real list containing `ssh`, and `ip` is set (SPEC §2). */
export function isSshEligible(d: RunningDecky): boolean {
  return Array.isArray(d.services) && d.services.includes('ssh') && typeof d.ip === 'string' && d.ip !== '';
}

/**
 * The pure scheduling policy (SPEC §2): no eligible decky → null, one → a file action on it,
 * two or more → traffic between two distinct deckies that can reach each other (see
 * `canExchangeTraffic`) or a file action, by `trafficShare`.
 */
export function pick(deckies: readonly RunningDecky[], rng: () => number, opts: PickOptions = {}): PickResult | null {
  return pickEligible(deckies.filter(isSshEligible), rng, opts);
}

/**
 * `pick` over a list already filtered with `isSshEligible` (same draws, same answers): a tick
 * filters once and picks many times, so a big fleet is not re-filtered per action.
 */
export function pickEligible(eligible: readonly RunningDecky[], rng: () => number, opts: PickOptions = {}): PickResult | null {
  if (eligible.length === 0) return null;
  if (eligible.length === 1) return { kind: 'file', dst: eligible[0]! };
  const share = opts.trafficShare ?? 0.5;
  if (rng() < share) {
    if (opts.everyonePairs ?? everyonePairs(eligible)) {
      const i = index(rng, eligible.length);
      // draw from the n-1 others and skip over i, so src ≠ dst without rejection loops
      let j = index(rng, eligible.length - 1);
      if (j >= i) j += 1;
      return { kind: 'traffic', src: eligible[i]!, dst: eligible[j]! };
    }
    const sources = eligible.filter(hasPartner(eligible));
    if (sources.length > 0) {
      const src = sources[index(rng, sources.length)]!;
      const partners = eligible.filter((o) => o !== src && canExchangeTraffic(src, o));
      return { kind: 'traffic', src, dst: partners[index(rng, partners.length)]! };
    }
  }
  return { kind: 'file', dst: eligible[index(rng, eligible.length)]! };
}

/** The Docker host a decky runs on; deckies discovery never placed are on the local one. */
export function hostOf(d: RunningDecky): string {
  return d.hostUuid ?? 'local';
}

/**
 * Whether traffic may flow between two deckies (issue 6): always within one host; across hosts
 * only when both hosts are marked as sharing a network, since elsewhere the packets could not
 * arrive (and a connection no real LAN would make is a tell). With nobody to pair with, a
 * traffic slot becomes a file action.
 */
export function canExchangeTraffic(a: RunningDecky, b: RunningDecky): boolean {
  return hostOf(a) === hostOf(b) || (a.sharesNetwork === true && b.sharesNetwork === true);
}

/** O(n): true when any two of `eligible` may exchange traffic (one host, or all share a network). */
export function everyonePairs(eligible: readonly RunningDecky[]): boolean {
  const first = hostOf(eligible[0]!);
  return eligible.every((d) => hostOf(d) === first) || eligible.every((d) => d.sharesNetwork === true);
}

// O(n) by counting, not an O(n²) scan: a decky has a partner when its host has another eligible
// decky, or it shares a network and some other decky does too
function hasPartner(eligible: readonly RunningDecky[]): (d: RunningDecky) => boolean {
  const perHost = new Map<string, number>();
  let sharing = 0;
  for (const d of eligible) {
    perHost.set(hostOf(d), (perHost.get(hostOf(d)) ?? 0) + 1);
    if (d.sharesNetwork === true) sharing += 1;
  }
  return (d) => (perHost.get(hostOf(d)) ?? 0) > 1 || (d.sharesNetwork === true && sharing > 1);
}

// clamps so an rng that returns exactly 1 (or garbage) still yields a valid index
function index(rng: () => number, n: number): number {
  const r = rng();
  const i = Math.floor((Number.isFinite(r) ? r : 0) * n);
  return Math.min(Math.max(i, 0), n - 1);
}
