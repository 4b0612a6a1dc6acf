import type { Logger } from '../log/logger.port.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { TopologyPersonaSource } from './persona-source.port.js';
import { type Persona, isIanaTimeZone, parsePersonaPool } from '../../domain/persona.js';

/** What the resolver reads from: the host pool and the topologies. */
interface PersonaResolverDeps {
  pool: { load(): Promise<Persona[]> };
  topologies: TopologyPersonaSource;
  logger: Logger;
  /** warnings already logged, so a bad topology is reported once and not on every tick */
  warned?: Set<string>;
}

/** Personas in scope for a decky (SPEC §6.2): its topology's for topology deckies, the pool for fleet and shard; never mixed. */
export async function personasForDecky(decky: RunningDecky, deps: PersonaResolverDeps): Promise<Persona[]> {
  if (decky.source !== 'topology') return deps.pool.load();
  // a topology decky never falls back to the pool, whatever goes wrong below
  if (!decky.topologyId) {
    warnOnce(deps, `topology decky ${decky.uuid} has no topology id`, { decky: decky.uuid });
    return [];
  }
  const topology = await deps.topologies.getTopology(decky.topologyId);
  if (!topology) {
    warnOnce(deps, `topology ${decky.topologyId} not found`, { decky: decky.uuid });
    return [];
  }
  let timezoneDefault: string | undefined;
  if (topology.timezone && isIanaTimeZone(topology.timezone)) timezoneDefault = topology.timezone;
  else if (topology.timezone) warnOnce(deps, `topology ${decky.topologyId}: unknown time zone ${topology.timezone}`, {});
  const { personas, warnings } = parsePersonaPool(topology.emailPersonas, {
    languageDefault: topology.languageDefault || 'en',
    ...(timezoneDefault ? { timezoneDefault } : {}),
  });
  for (const w of warnings) warnOnce(deps, `topology ${decky.topologyId}: ${w}`, { topology: decky.topologyId });
  return personas;
}

function warnOnce(deps: PersonaResolverDeps, msg: string, fields: Record<string, unknown>): void {
  if (deps.warned?.has(msg)) return;
  deps.warned?.add(msg);
  deps.logger.warn(fields, msg);
}
