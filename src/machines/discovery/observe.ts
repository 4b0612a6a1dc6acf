import type { ContainerInfo } from '../../domain/container.js';
import type { ObservedDecky } from '../../domain/decky.js';
import { isIpLiteral } from './ip-literal.js';

/** Label naming the decky a container belongs to (SPEC §1.3). */
const LABEL_DECKY = 'decnet.decky';
/** Label naming the service a container provides. */
const LABEL_SERVICE = 'decnet.service';
/** Optional label making the decky a topology decky. */
const LABEL_TOPOLOGY = 'decnet.topology';
/** Optional label overriding the decky's IP. */
const LABEL_IP = 'decnet.ip';

/**
 * Groups `<decky>-<service>` containers into deckies by their `decnet.decky` label (SPEC §1.3).
 *
 * - running: at least one of its containers runs;
 * - services: of a running decky, the services whose containers run (a stopped ssh container
 *   makes the decky ineligible for ssh actions instead of failing them); of a stopped decky,
 *   every labelled service. A container without `decnet.service` counts as the suffix of its
 *   name after `<decky>-`;
 * - ip: a valid `decnet.ip` label on any of its containers, else the ssh container's ip, else
 *   the first container's that has one;
 * - topologyId: the first non-empty `decnet.topology` label.
 *
 * Output is sorted by name, services in first-seen order without duplicates.
 */
export function observeDeckies(containers: readonly ContainerInfo[], hostUuid: string): ObservedDecky[] {
  const groups = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const name = c.labels[LABEL_DECKY]?.trim();
    if (!name) continue;
    const list = groups.get(name) ?? [];
    list.push(c);
    groups.set(name, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => toDecky(name, list, hostUuid));
}

function toDecky(name: string, list: ContainerInfo[], hostUuid: string): ObservedDecky {
  const running = list.some((c) => c.running);
  const counted = running ? list.filter((c) => c.running) : list;
  const services = unique(counted.map((c) => serviceOf(name, c)).filter((s): s is string => !!s));
  const decky: ObservedDecky = { name, hostUuid, services, ip: ipOf(name, list), running };
  const topologyId = list.map((c) => c.labels[LABEL_TOPOLOGY]?.trim()).find((t) => !!t);
  if (topologyId) decky.topologyId = topologyId;
  return decky;
}

function serviceOf(decky: string, c: ContainerInfo): string | undefined {
  const label = c.labels[LABEL_SERVICE]?.trim();
  if (label) return label;
  return c.name.startsWith(`${decky}-`) ? c.name.slice(decky.length + 1) || undefined : undefined;
}

function ipOf(decky: string, list: ContainerInfo[]): string | null {
  const label = list.map((c) => c.labels[LABEL_IP]?.trim()).find((ip) => !!ip && isIpLiteral(ip));
  if (label) return label;
  const ssh = list.find((c) => serviceOf(decky, c) === 'ssh' && c.ip);
  return ssh?.ip ?? list.find((c) => c.ip)?.ip ?? null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
