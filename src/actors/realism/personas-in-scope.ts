import type { Logger } from '../../infra/log/logger.port.js';
import type { TopologyPersonaSource } from '../../infra/personas/persona-source.port.js';
import type { Persona } from '../../domain/persona.js';
import { personasForDecky } from '../../infra/personas/resolver.js';
import type { RunningDecky } from '../../domain/decky.js';

/** What persona resolution needs (the same sources as emailgen, SPEC §6.2). */
interface PersonaScopeDeps {
  pool: { load(): Promise<Persona[]> };
  topologies: TopologyPersonaSource;
  logger: Logger;
}

/** How long a resolved scope is reused before it is read again (pool edits, topology imports). */
const PERSONA_SCOPE_TTL_MS = 5 * 60_000;

/**
 * Resolves personas per decky once per topology (the pool once) and reuses the answer for
 * `ttlMs`, so a long-running worker sees edits without reading the store on every action.
 * A failed lookup is not kept: the next call asks again.
 */
export function personaResolver(
  deps: PersonaScopeDeps & { ttlMs?: number; now?: () => number },
): (decky: RunningDecky) => Promise<Persona[]> {
  const ttl = deps.ttlMs ?? PERSONA_SCOPE_TTL_MS;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; personas: Promise<Persona[]> }>();
  const warned = new Set<string>();
  return (decky) => {
    const key = decky.source === 'topology' ? `topology:${decky.topologyId ?? ''}` : 'pool';
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.personas;
    const personas = personasForDecky(decky, { ...deps, warned });
    cache.set(key, { at: now(), personas });
    personas.catch(() => {
      if (cache.get(key)?.personas === personas) cache.delete(key);
    });
    return personas;
  };
}

/** Every persona in scope of the running deckies, and the pool's even when no decky uses it. */
export async function personasInScope(
  deckies: readonly RunningDecky[],
  resolve: (decky: RunningDecky) => Promise<Persona[]>,
  pool: { load(): Promise<Persona[]> },
): Promise<Persona[]> {
  const lists = await Promise.all([pool.load(), ...deckies.map(resolve)]);
  return lists.flat();
}
