import type { Logger } from '../log/logger.port.js';
import type { TopologyPersonaSource } from '../personas/persona-source.port.js';
import type { Persona } from '../personas/persona.schema.js';
import { personasForDecky } from '../personas/resolver.js';
import type { RunningDecky } from '../store/inventory.port.js';

/** What persona resolution needs (the same sources as emailgen, SPEC §6.2). */
export interface PersonaScopeDeps {
  pool: { load(): Promise<Persona[]> };
  topologies: TopologyPersonaSource;
  logger: Logger;
}

/** Resolves personas per decky once per topology (the pool once): `decky → personas`. */
export function personaResolver(deps: PersonaScopeDeps): (decky: RunningDecky) => Promise<Persona[]> {
  const cache = new Map<string, Promise<Persona[]>>();
  const warned = new Set<string>();
  return (decky) => {
    const key = decky.source === 'topology' ? `topology:${decky.topologyId ?? ''}` : 'pool';
    let hit = cache.get(key);
    if (!hit) {
      hit = personasForDecky(decky, { ...deps, warned });
      cache.set(key, hit);
    }
    return hit;
  };
}

/** Every persona in scope of the running deckies, and the pool's even when no decky uses it. */
export async function personasInScope(deckies: readonly RunningDecky[], resolve: (decky: RunningDecky) => Promise<Persona[]>, pool: { load(): Promise<Persona[]> }): Promise<Persona[]> {
  const lists = await Promise.all([pool.load(), ...deckies.map(resolve)]);
  return lists.flat();
}
