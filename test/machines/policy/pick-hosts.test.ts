import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { canExchangeTraffic, pick } from '../../../src/machines/policy/pick.js';
import { seededRng } from '../../../src/domain/rng.js';

const on = (host: string, name: string, over: Partial<RunningDecky> = {}): RunningDecky => ({
  uuid: `${host}:${name}`,
  name,
  ip: '10.0.0.1',
  services: ['ssh'],
  source: host === 'local' ? 'fleet' : 'shard',
  hostUuid: host,
  ...over,
});

/** Every traffic pair `pick` makes over many draws. */
function pairs(deckies: RunningDecky[], draws = 2_000): Set<string> {
  const rng = seededRng(42);
  const out = new Set<string>();
  for (let i = 0; i < draws; i++) {
    const r = pick(deckies, rng, { trafficShare: 1 });
    if (r?.kind === 'traffic') out.add(`${r.src.uuid}>${r.dst.uuid}`);
  }
  return out;
}

describe('pick across Docker hosts', () => {
  it('keeps traffic within a host when the hosts do not share a network', () => {
    const all = [on('local', 'a'), on('local', 'b'), on('h2', 'c'), on('h2', 'd')];
    expect(pairs(all)).toEqual(new Set(['local:a>local:b', 'local:b>local:a', 'h2:c>h2:d', 'h2:d>h2:c']));
  });

  it('crosses hosts only between deckies whose hosts both share a network', () => {
    const all = [on('local', 'a'), on('h2', 'b', { sharesNetwork: true }), on('h3', 'c', { sharesNetwork: true }), on('h4', 'd')];
    expect(pairs(all)).toEqual(new Set(['h2:b>h3:c', 'h3:c>h2:b']));
  });

  it('treats a topology decky discovery never placed as local', () => {
    const unplaced: RunningDecky = { uuid: 'row-1', name: 't', ip: '10.0.0.9', services: ['ssh'], source: 'topology' };
    expect(canExchangeTraffic(unplaced, on('local', 'a'))).toBe(true);
    expect(canExchangeTraffic(unplaced, on('h2', 'b', { sharesNetwork: true }))).toBe(false);
  });

  it('plants a file instead when no two eligible deckies can reach each other', () => {
    const r = pick([on('local', 'a'), on('h2', 'b'), on('h3', 'c')], seededRng(1), { trafficShare: 1 });
    expect(r?.kind).toBe('file');
  });
});
