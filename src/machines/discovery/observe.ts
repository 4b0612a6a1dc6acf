import type { ContainerInfo } from '../../domain/container.js';
import type { ObservedDecky } from '../../domain/decky.js';
import { baseNameOf, FLEET_NETWORK, type ServiceIdentity, serviceIdentity, topologyPrefix } from '../../domain/decnet-layout.js';
import { isIpLiteral } from './ip-literal.js';

interface Group {
  identity: ServiceIdentity;
  services: ContainerInfo[];
}

/**
 * Reads deckies from DECNET's container layout (DECNET-COMPAT §1): service containers labelled
 * `decnet.fleet.*` or `decnet.topology.*`, grouped by decky (and topology), and the label-less
 * base each shares its network with, found by the id in its network mode, else by the name
 * DECNET gives it (`<decky>`, `decnet_t_<id8>_<decky>`).
 *
 * - running: the base runs and at least one service container runs;
 * - services: of a running decky, the `service_name`s of its running service containers (so a
 *   stopped `-ssh` makes it ineligible for ssh actions instead of failing them); of a stopped
 *   decky, every labelled service;
 * - ip: the base's address on `decnet_lan` (topology: on a `decnet_t_<id8>_…` network), else on
 *   its first network with one; never a service container's, never a non-IP string;
 * - topologyId: the `decnet.topology.id` of a topology decky.
 *
 * Output is sorted by name (then topology), services in first-seen order without duplicates.
 */
export function observeDeckies(containers: readonly ContainerInfo[], hostUuid: string): ObservedDecky[] {
  const byRef = new Map<string, ContainerInfo>();
  const groups = new Map<string, Group>();
  for (const c of containers) {
    const identity = serviceIdentity(c);
    if (!identity) {
      byRef.set(c.id, c);
      if (!byRef.has(c.name)) byRef.set(c.name, c);
      continue;
    }
    const key = `${identity.decky}\u0000${identity.topologyId ?? ''}`;
    const group = groups.get(key) ?? { identity, services: [] };
    group.services.push(c);
    groups.set(key, group);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => toDecky(g, baseOf(g, byRef), hostUuid));
}

function toDecky(g: Group, base: ContainerInfo | undefined, hostUuid: string): ObservedDecky {
  const live = base?.running ? g.services.filter((c) => c.running) : [];
  const running = live.length > 0;
  const services = [...new Set((running ? live : g.services).map((c) => serviceIdentity(c)!.service))];
  const decky: ObservedDecky = { name: g.identity.decky, hostUuid, services, ip: base ? ipOf(base, g.identity) : null, running };
  if (g.identity.topologyId !== undefined) decky.topologyId = g.identity.topologyId;
  return decky;
}

// the network mode of a running service says where the decky's network lives; a stopped one may
// point at a base since replaced, so running services are asked first and the name comes last
function baseOf(g: Group, byRef: ReadonlyMap<string, ContainerInfo>): ContainerInfo | undefined {
  const ordered = [...g.services.filter((c) => c.running), ...g.services.filter((c) => !c.running)];
  for (const s of ordered) {
    const base = s.networkContainerId ? byRef.get(s.networkContainerId) : undefined;
    if (base) return base;
  }
  return byRef.get(baseNameOf(g.identity));
}

function ipOf(base: ContainerInfo, identity: ServiceIdentity): string | null {
  const nets = Object.entries(base.networks).filter(([, ip]) => isIpLiteral(ip));
  const own =
    identity.topologyId === undefined
      ? nets.find(([name]) => name === FLEET_NETWORK)
      : nets.find(([name]) => name.startsWith(topologyPrefix(identity.topologyId!)));
  return (own ?? nets[0])?.[1] ?? null;
}
