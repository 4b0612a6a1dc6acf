import { describe, expect, it } from 'vitest';
import type { TopologyPersonaSource, TopologyPersonas } from '../../../src/infra/personas/persona-source.port.js';
import type { Persona } from '../../../src/domain/persona.js';
import { personasForDecky } from '../../../src/infra/personas/resolver.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { captureLogger } from './capture-logger.js';

const poolPersona: Persona = {
  name: 'Pool Person',
  email: 'pool@fleet.example.com',
  role: 'Ops',
  tone: 'direct',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '09:00-18:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
};
const topoPersona = { name: 'Topo Person', email: 'topo@corp.example.com', role: 'CFO', language: null };

function deps(topologies: Record<string, TopologyPersonas>) {
  let poolLoads = 0;
  const source: TopologyPersonaSource = { getTopology: async (id) => topologies[id] ?? null };
  return {
    get poolLoads() {
      return poolLoads;
    },
    deps: {
      pool: {
        load: async () => {
          poolLoads += 1;
          return [poolPersona];
        },
      },
      topologies: source,
      logger: captureLogger(),
      warned: new Set<string>(),
    },
  };
}

const decky = (over: Partial<RunningDecky>): RunningDecky => ({
  uuid: 'u1',
  name: 'mail01',
  ip: '10.0.0.5',
  services: ['imap'],
  source: 'fleet',
  ...over,
});

describe('personasForDecky', () => {
  it('gives fleet and shard deckies the host pool', async () => {
    const d = deps({});
    expect(await personasForDecky(decky({ source: 'fleet' }), d.deps)).toEqual([poolPersona]);
    expect(await personasForDecky(decky({ source: 'shard', hostUuid: 'h2' }), d.deps)).toEqual([poolPersona]);
  });

  it("gives a topology decky its topology's personas, with the topology's language default and zone", async () => {
    const d = deps({ t1: { languageDefault: 'de', emailPersonas: [topoPersona], timezone: 'Europe/Berlin' } });
    const personas = await personasForDecky(decky({ source: 'topology', topologyId: 't1' }), d.deps);
    expect(personas.map((p) => [p.email, p.language, p.timezone])).toEqual([['topo@corp.example.com', 'de', 'Europe/Berlin']]);
    expect(d.poolLoads).toBe(0);
  });

  it('never falls back to the pool for a topology decky: empty topology, unknown topology, missing id', async () => {
    const d = deps({ empty: { languageDefault: 'en', emailPersonas: [] } });
    expect(await personasForDecky(decky({ source: 'topology', topologyId: 'empty' }), d.deps)).toEqual([]);
    expect(await personasForDecky(decky({ source: 'topology', topologyId: 'gone' }), d.deps)).toEqual([]);
    expect(await personasForDecky(decky({ source: 'topology' }), d.deps)).toEqual([]);
    expect(d.poolLoads).toBe(0);
  });

  it('drops invalid topology personas and warns once, not on every call', async () => {
    const d = deps({ t1: { languageDefault: 'en', emailPersonas: [topoPersona, { name: 'x' }] } });
    const logger = captureLogger();
    const run = () => personasForDecky(decky({ source: 'topology', topologyId: 't1' }), { ...d.deps, logger });
    expect(await run()).toHaveLength(1);
    expect(await run()).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('ignores an unknown topology time zone instead of breaking active hours', async () => {
    const d = deps({ t1: { languageDefault: 'en', emailPersonas: [topoPersona], timezone: 'Nowhere/Land' } });
    const [p] = await personasForDecky(decky({ source: 'topology', topologyId: 't1' }), d.deps);
    expect(p).not.toHaveProperty('timezone');
  });
});
