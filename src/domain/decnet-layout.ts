import type { ContainerInfo } from './container.js';

// DECNET's container layout (DECNET-COMPAT §1): a label-less base container owns a decky's
// network namespace and IP; its service containers share it and carry the labels.

/** Labels DECNET sets on fleet service containers; fleet bases carry none. */
export const FleetLabel = {
  SERVICE: 'decnet.fleet.service',
  DECKY: 'decnet.fleet.decky',
  SERVICE_NAME: 'decnet.fleet.service_name',
} as const;

/** Labels DECNET sets on MazeNET topology containers (services, and the base with `role=base`). */
export const TopologyLabel = {
  ID: 'decnet.topology.id',
  DECKY: 'decnet.topology.decky',
  ROLE: 'decnet.topology.role',
  SERVICE: 'decnet.topology.service',
  SERVICE_NAME: 'decnet.topology.service_name',
} as const;

/** The network every fleet base sits on (macvlan or ipvlan on a DECNET host). */
export const FLEET_NETWORK = 'decnet_lan';

/** What a DECNET service container says about itself through its labels. */
export interface ServiceIdentity {
  decky: string;
  service: string;
  /** set for a topology decky's service */
  topologyId?: string;
}

/** The decky and service of a DECNET service container; undefined for any other container. */
export function serviceIdentity(c: Pick<ContainerInfo, 'labels'>): ServiceIdentity | undefined {
  const l = c.labels;
  if (l[FleetLabel.SERVICE] === 'true') {
    const decky = l[FleetLabel.DECKY]?.trim();
    const service = l[FleetLabel.SERVICE_NAME]?.trim();
    return decky && service ? { decky, service } : undefined;
  }
  if (l[TopologyLabel.SERVICE] === 'true') {
    const decky = l[TopologyLabel.DECKY]?.trim();
    const service = l[TopologyLabel.SERVICE_NAME]?.trim();
    const topologyId = l[TopologyLabel.ID]?.trim();
    return decky && service && topologyId ? { decky, service, topologyId } : undefined;
  }
  return undefined;
}

/** `decnet_t_<id8>_`: how a topology's base and network names start. */
export function topologyPrefix(topologyId: string): string {
  return `decnet_t_${topologyId.slice(0, 8)}_`;
}

/** The name DECNET gives a decky's base: `<decky>`, or `decnet_t_<id8>_<decky>` in a topology. */
export function baseNameOf(id: Pick<ServiceIdentity, 'decky' | 'topologyId'>): string {
  return id.topologyId === undefined ? id.decky : `${topologyPrefix(id.topologyId)}${id.decky}`;
}

/** True when `labels` carry the `key=value` (or bare `key`) scope label; no scope → true. */
export function hasScope(labels: Readonly<Record<string, string>>, scope: string | undefined): boolean {
  if (!scope) return true;
  const eq = scope.indexOf('=');
  if (eq < 0) return labels[scope] !== undefined;
  return labels[scope.slice(0, eq)] === scope.slice(eq + 1);
}

/**
 * Keeps, of a full container list, what discovery reads: the DECNET service containers (those
 * carrying `scope`, when given) and every container they may share a network with, by the
 * reference in their network mode or by the base name DECNET gives. Order: services, then bases.
 */
export function selectLayout(all: readonly ContainerInfo[], scope?: string): ContainerInfo[] {
  const services = all.filter((c) => serviceIdentity(c) !== undefined && hasScope(c.labels, scope));
  const wanted = baseRefs(services);
  const bases = all.filter((c) => serviceIdentity(c) === undefined && (wanted.has(c.id) || wanted.has(c.name)));
  return [...services, ...bases];
}

/** The ids and names a base of these service containers may have. */
export function baseRefs(services: readonly ContainerInfo[]): Set<string> {
  const refs = new Set<string>();
  for (const s of services) {
    const id = serviceIdentity(s);
    if (!id) continue;
    if (s.networkContainerId) refs.add(s.networkContainerId);
    refs.add(baseNameOf(id));
  }
  return refs;
}
