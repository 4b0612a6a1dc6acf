import { describe, expect, it } from 'vitest';
import type { ObservedDecky, RunningDecky } from '../../../src/domain/decky.js';
import { liveOnEngine } from '../../../src/machines/discovery/live-on-engine.js';

const TOPO = '3f2a9c1e-7b40-4d2a-9a51-0c6e2f1d8b77';

function row(name: string, services: string[] | null = ['ssh'], over: Partial<RunningDecky> = {}): RunningDecky {
  return { uuid: `local:${name}`, name, ip: '10.0.0.1', services, source: 'fleet', hostUuid: 'local', ...over };
}

function seen(name: string, services: string[], running = true, over: Partial<ObservedDecky> = {}): ObservedDecky {
  return { name, hostUuid: 'local', services, ip: '10.0.0.9', running, ...over };
}

const engine = (...deckies: ObservedDecky[]) => new Map([['local', deckies]]);

describe('liveOnEngine', () => {
  it('keeps a row whose decky runs, with the row’s own id and IP', () => {
    const out = liveOnEngine([row('a')], engine(seen('a', ['ssh'])));
    expect(out.live).toEqual([row('a')]);
    expect(out.notLive).toEqual([]);
  });

  it('leaves out a row with no containers on the engine', () => {
    const out = liveOnEngine([row('a'), row('ghost')], engine(seen('a', ['ssh'])));
    expect(out.live.map((d) => d.name)).toEqual(['a']);
    expect(out.notLive).toEqual([{ decky: row('ghost'), reason: 'no containers on the engine' }]);
  });

  it('leaves out a row whose decky is stopped', () => {
    const out = liveOnEngine([row('a')], engine(seen('a', ['ssh'], false)));
    expect(out.live).toEqual([]);
    expect(out.notLive[0]?.reason).toBe('containers stopped');
  });

  describe('when some of a decky’s service containers are stopped', () => {
    it('narrows the row’s services to the running ones', () => {
      const out = liveOnEngine([row('a', ['ssh', 'imap'])], engine(seen('a', ['imap'])));
      expect(out.live).toEqual([{ ...row('a'), services: ['imap'] }]);
      expect(out.narrowed).toEqual([{ decky: row('a', ['ssh', 'imap']), stopped: ['ssh'] }]);
    });

    it('leaves the row out when none of its listed services runs', () => {
      const out = liveOnEngine([row('a', ['ssh'])], engine(seen('a', ['http'])));
      expect(out.live).toEqual([]);
      expect(out.notLive).toEqual([{ decky: row('a', ['ssh']), reason: 'listed services not running', stopped: ['ssh'] }]);
    });

    it('never adds a service the row does not list', () => {
      const out = liveOnEngine([row('a', ['ssh'])], engine(seen('a', ['ssh', 'imap'])));
      expect(out.live[0]?.services).toEqual(['ssh']);
    });
  });

  it('keeps an undecodable services row as it is (no action picks it)', () => {
    const out = liveOnEngine([row('a', null)], engine(seen('a', ['ssh'])));
    expect(out.live).toEqual([row('a', null)]);
  });

  it('reports running deckies no row lists, and never adds them', () => {
    const out = liveOnEngine([row('a')], engine(seen('a', ['ssh']), seen('stray', ['ssh']), seen('old', ['ssh'], false)));
    expect(out.live.map((d) => d.name)).toEqual(['a']);
    expect(out.unlisted.map((d) => d.name)).toEqual(['stray']);
  });

  it('matches a topology row only to the decky of its topology', () => {
    const topo = row('a', ['ssh'], { uuid: 'row-uuid', source: 'topology', topologyId: TOPO, hostUuid: undefined });
    delete topo.hostUuid;
    expect(liveOnEngine([topo], engine(seen('a', ['ssh']))).notLive[0]?.reason).toBe('no containers on the engine');
    expect(liveOnEngine([topo], engine(seen('a', ['ssh'], true, { topologyId: TOPO }))).live).toEqual([topo]);
    expect(liveOnEngine([row('a')], engine(seen('a', ['ssh'], true, { topologyId: TOPO }))).live).toEqual([]);
  });

  it('looks for a shard on its own host’s engine, and waits for an engine not read yet', () => {
    const shard = row('s', ['ssh'], { uuid: 'h1:s', source: 'shard', hostUuid: 'h1' });
    const out = liveOnEngine([shard], engine(seen('s', ['ssh'])));
    expect(out.notLive).toEqual([{ decky: shard, reason: 'engine not read yet' }]);
    const both = new Map([
      ['local', []],
      ['h1', [seen('s', ['ssh'], true, { hostUuid: 'h1' })]],
    ]);
    expect(liveOnEngine([shard], both).live).toEqual([shard]);
  });
});
