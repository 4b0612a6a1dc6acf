import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { isSshEligible, pick } from '../../../src/machines/policy/pick.js';
import { seededRng } from '../../../src/domain/rng.js';

const decky = (name: string, over: Partial<RunningDecky> = {}): RunningDecky => ({
  uuid: `local:${name}`,
  name,
  ip: `10.0.0.${name.length}`,
  services: ['ssh'],
  source: 'fleet',
  ...over,
});

const never = () => {
  throw new Error('the rng must not be called');
};

describe('pick', () => {
  it('returns null when no decky is running', () => {
    expect(pick([], never)).toBeNull();
  });

  it('returns null when no running decky is ssh-eligible', () => {
    expect(pick([decky('mail', { services: ['imap'] }), decky('web', { ip: null })], never)).toBeNull();
  });

  it('plants a file on the only eligible decky, without consulting the rng', () => {
    const only = decky('web01');
    expect(pick([only, decky('mail', { services: ['imap', 'pop3'] })], never)).toEqual({ kind: 'file', dst: only });
  });

  it('with two eligible deckies, picks traffic below the share and a file above it', () => {
    const a = decky('a');
    const b = decky('b');
    const values = [0.1, 0.0, 0.0];
    const traffic = pick([a, b], () => values.shift()!);
    expect(traffic).toEqual({ kind: 'traffic', src: a, dst: b });
    const file = pick(
      [a, b],
      (() => {
        const v = [0.9, 0.99];
        return () => v.shift()!;
      })(),
    );
    expect(file).toEqual({ kind: 'file', dst: b });
  });

  it('treats services given as a string (not a list) as ineligible', () => {
    const stringy = decky('s', { services: 'ssh' as unknown as string[] });
    const nulled = decky('n', { services: null });
    expect(isSshEligible(stringy)).toBe(false);
    expect(isSshEligible(nulled)).toBe(false);
    expect(pick([stringy, nulled], never)).toBeNull();
    const real = decky('real');
    expect(pick([stringy, real], never)).toEqual({ kind: 'file', dst: real });
  });

  it('treats a decky without ip (null or empty) as ineligible', () => {
    expect(isSshEligible(decky('x', { ip: null }))).toBe(false);
    expect(isSshEligible(decky('x', { ip: '' }))).toBe(false);
    const ok = decky('ok');
    expect(pick([decky('noip', { ip: null }), ok], never)).toEqual({ kind: 'file', dst: ok });
  });

  it('over many seeded draws, both kinds appear in about equal shares and traffic src ≠ dst always', () => {
    const fleet = ['a', 'b', 'c', 'd'].map((n) => decky(n));
    const rng = seededRng(7);
    const counts = { traffic: 0, file: 0 };
    const dsts = new Set<string>();
    let sameEnds = 0;
    for (let i = 0; i < 4000; i += 1) {
      const r = pick(fleet, rng)!;
      counts[r.kind] += 1;
      dsts.add(r.dst.uuid);
      if (r.kind === 'traffic' && r.src.uuid === r.dst.uuid) sameEnds += 1;
    }
    expect(sameEnds).toBe(0);
    expect(counts.traffic).toBeGreaterThan(1800);
    expect(counts.file).toBeGreaterThan(1800);
    expect(dsts.size).toBe(4);
  });

  it('keeps src ≠ dst and valid indexes when the rng returns its edge values (0, ~1, exactly 1)', () => {
    const [a, b] = [decky('a'), decky('b')];
    const seq =
      (...v: number[]) =>
      () =>
        v.shift()!;
    expect(pick([a, b], seq(0, 0, 0))).toEqual({ kind: 'traffic', src: a, dst: b });
    expect(pick([a, b], seq(0, 0.9999999, 0.9999999))).toEqual({ kind: 'traffic', src: b, dst: a });
    expect(pick([a, b], seq(0, 1, 1))).toEqual({ kind: 'traffic', src: b, dst: a });
    expect(pick([a, b], seq(0.7, 1))).toEqual({ kind: 'file', dst: b });
  });

  it('honours trafficShare: 0 never sends traffic, 1 always does', () => {
    const fleet = [decky('a'), decky('b'), decky('c')];
    const rng = seededRng(1);
    for (let i = 0; i < 200; i += 1) {
      expect(pick(fleet, rng, { trafficShare: 0 })?.kind).toBe('file');
      expect(pick(fleet, rng, { trafficShare: 1 })?.kind).toBe('traffic');
    }
  });
});
