import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { Persona } from '../../../src/domain/persona.js';
import { personaResolver } from '../../../src/actors/realism/personas-in-scope.js';
import type { RunningDecky } from '../../../src/domain/decky.js';

const persona = (email: string): Persona => ({
  name: email,
  email,
  role: 'staff',
  tone: 'formal',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '09:00-18:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
});
const fleet: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet' };
const topo: RunningDecky = { uuid: 't-1', name: 'web02', ip: '10.0.0.3', services: ['ssh'], source: 'topology', topologyId: 'topo-1' };

describe('personaResolver', () => {
  it('reuses a scope for its TTL, then reads it again (a long-running worker sees pool edits)', async () => {
    let clock = 0;
    let loads = 0;
    let pool = [persona('ana@corp.example')];
    const resolve = personaResolver({
      pool: {
        load: async () => {
          loads += 1;
          return pool;
        },
      },
      topologies: { getTopology: () => Promise.reject(new Error('not implemented: getTopology')) },
      logger: silentLogger,
      ttlMs: 1_000,
      now: () => clock,
    });
    expect((await resolve(fleet)).map((p) => p.email)).toEqual(['ana@corp.example']);
    pool = [persona('ben@corp.example')];
    clock = 999;
    expect((await resolve(fleet)).map((p) => p.email)).toEqual(['ana@corp.example']);
    clock = 1_000;
    expect((await resolve(fleet)).map((p) => p.email)).toEqual(['ben@corp.example']);
    expect(loads).toBe(2);
  });

  it('does not keep a failed lookup: the next call asks the store again', async () => {
    let calls = 0;
    const resolve = personaResolver({
      pool: { load: () => Promise.reject(new Error('not implemented: pool')) },
      topologies: {
        getTopology: async () => {
          calls += 1;
          if (calls === 1) throw new Error('SQLITE_BUSY: database is locked');
          return { languageDefault: 'en', emailPersonas: [persona('cy@corp.example')] };
        },
      },
      logger: silentLogger,
    });
    await expect(resolve(topo)).rejects.toThrow(/locked/);
    await new Promise((r) => setTimeout(r, 0));
    expect((await resolve(topo)).map((p) => p.email)).toEqual(['cy@corp.example']);
    expect(calls).toBe(2);
  });
});
