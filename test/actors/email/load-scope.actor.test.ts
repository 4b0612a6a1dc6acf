import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createLoadScopeLogic } from '../../../src/actors/email/load-scope.actor.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';

const POOL = [persona({ email: 'alice@acme.example' }), persona({ email: 'bob@acme.example' })];

function setup(start = Date.parse('2026-03-03T10:00:00.000Z')) {
  let t = start;
  let reads = 0;
  let poolLoads = 0;
  let running: RunningDecky[] = [mailDecky('mail01'), { ...mailDecky('web01'), services: ['ssh'] }];
  const logic = createLoadScopeLogic({
    inventory: {
      listRunningDeckies: async () => {
        reads += 1;
        return running;
      },
    },
    pool: {
      load: async () => {
        poolLoads += 1;
        return POOL;
      },
    },
    topologies: {
      getTopology: async () => {
        throw new Error('not implemented: topologies');
      },
    },
    logger: silentLogger,
    now: () => new Date(t),
  });
  const read = (reuseMs: number) => toPromise(createActor(logic, { input: { reuseMs } }).start());
  return {
    read,
    reads: () => reads,
    poolLoads: () => poolLoads,
    advance: (ms: number) => {
      t += ms;
    },
    setRunning: (r: RunningDecky[]) => {
      running = r;
    },
  };
}

describe('loadScope actor', () => {
  it('reads the union view: the mail deckies, each with the pool personas of a fleet decky', async () => {
    const s = setup();
    const snap = await s.read(0);
    expect(snap.mailDeckies.map((m) => m.decky.name)).toEqual(['mail01']);
    expect(snap.mailDeckies[0]!.personas).toEqual(POOL);
    expect(snap).toMatchObject({ running: 2, at: '2026-03-03T10:00:00.000Z' });
    expect(snap.reused).toBeUndefined();
  });

  it('asks the pool once per read, however many fleet mail deckies share it', async () => {
    const s = setup();
    s.setRunning([mailDecky('mail01'), mailDecky('mail02'), mailDecky('mail03')]);
    const snap = await s.read(0);
    expect(snap.mailDeckies.map((m) => m.personas)).toEqual([POOL, POOL, POOL]);
    expect(s.poolLoads()).toBe(1);
  });

  it('answers a tick allowed to reuse with the last read and a fresh time, without touching the store', async () => {
    const s = setup();
    await s.read(0);
    s.setRunning([]);
    s.advance(5_000);
    const again = await s.read(30_000);
    expect(s.reads()).toBe(1);
    expect(again).toMatchObject({ reused: true, at: '2026-03-03T10:00:05.000Z', running: 2 });
    expect(again.mailDeckies.map((m) => m.decky.name)).toEqual(['mail01']);
  });

  it('reads again once the last read is as old as allowed, and always when asked with 0', async () => {
    const s = setup();
    await s.read(0);
    await s.read(0);
    expect(s.reads()).toBe(2);
    s.advance(30_000);
    s.setRunning([]);
    const stale = await s.read(30_000);
    expect(s.reads()).toBe(3);
    expect(stale.reused).toBeUndefined();
    expect(stale.mailDeckies).toEqual([]);
  });

  it('never takes a read from the future for a fresh one when the clock went back', async () => {
    const s = setup();
    await s.read(0);
    s.advance(-60_000);
    const back = await s.read(30_000);
    expect(back.reused).toBeUndefined();
    expect(s.reads()).toBe(2);
  });
});
