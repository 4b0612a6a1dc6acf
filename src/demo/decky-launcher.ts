import type Docker from 'dockerode';
import { baseNameOf, FleetLabel, TopologyLabel } from '../domain/decnet-layout.js';

/** One decky to start: its name and the services it runs (one container each). */
export interface DeckySpec {
  name: string;
  services: string[];
  /** extra labels on every service container of the decky (bases stay as DECNET makes them), e.g. a scope */
  labels?: Record<string, string>;
  /** makes it a MazeNET topology decky: base `decnet_t_<id8>_<name>`, `decnet.topology.*` labels */
  topologyId?: string;
  /** a service's command instead of the default (sshd for `ssh`, `sleep infinity` otherwise) */
  commands?: Record<string, string[]>;
}

/** How to lay the deckies out on their network. */
interface LaunchOptions {
  /** create the network with this IPv4 subnet (`a.b.c.0/24`) and give each base a static address in it */
  subnet?: string;
  /** add the labels docker compose would (`com.docker.compose.project=decnet`, `…service=<decky>-<svc>`) */
  compose?: boolean;
}

/** What was started, so it can be removed again. */
export interface LaunchedNetwork {
  network: string;
  /** service containers, then bases */
  containers: string[];
}

/** One decky as started: its base and service container names, and the base's address. */
export interface LaunchedDecky {
  base: string;
  services: string[];
  ip: string;
}

/** The image every decky container runs; built by scripts/build-decky-image.sh. */
export const DECKY_IMAGE = process.env.DECKY_IMAGE ?? 'decnet-decky:bookworm';

/** Every container name a decky of this spec gets: its services, then its base. */
export function containerNamesOf(spec: Pick<DeckySpec, 'name' | 'services' | 'topologyId'>): string[] {
  return [...spec.services.map((s) => `${spec.name}-${s}`), baseNameOf({ decky: spec.name, topologyId: spec.topologyId })];
}

/**
 * Starts deckies on a fresh bridge network laid out as DECNET's composer does (DECNET-COMPAT §1,
 * §8): a label-less base `<decky>` running `sleep infinity` owns the address, and each
 * `<decky>-<svc>` shares its network namespace and carries the `decnet.fleet.*` labels (topology:
 * `decnet_t_<id8>_<decky>` and `decnet.topology.*`). Throws when the engine or the image is missing.
 */
export async function launchDeckies(
  docker: Docker,
  network: string,
  deckies: readonly DeckySpec[],
  opts: LaunchOptions = {},
): Promise<LaunchedNetwork> {
  await docker.getImage(DECKY_IMAGE).inspect();
  await docker.createNetwork({
    Name: network,
    Driver: 'bridge',
    Labels: { 'decnet.demo': network },
    ...(opts.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: opts.subnet }] } } : {}),
  });
  const launched: LaunchedNetwork = { network, containers: [] };
  const bases: string[] = [];
  try {
    for (const [i, spec] of deckies.entries()) {
      const ip = opts.subnet ? hostAddress(opts.subnet, i + 10) : undefined;
      await launchDecky(docker, network, spec, { ...opts, ...(ip ? { ip } : {}) }, (name, isBase) =>
        isBase ? bases.push(name) : launched.containers.push(name),
      );
    }
  } catch (err) {
    launched.containers.push(...bases);
    await removeDeckies(docker, launched);
    throw err;
  }
  launched.containers.push(...bases);
  return launched;
}

/**
 * Starts one decky (base, then services) on an existing network; `created` hears each container
 * name as soon as it exists, so a caller can clean up after a failure half-way.
 */
export async function launchDecky(
  docker: Docker,
  network: string,
  spec: DeckySpec,
  opts: { ip?: string; compose?: boolean } = {},
  created: (name: string, isBase: boolean) => void = () => undefined,
): Promise<LaunchedDecky> {
  const base = baseNameOf({ decky: spec.name, topologyId: spec.topologyId });
  const baseLabels: Record<string, string> =
    spec.topologyId === undefined
      ? {}
      : { [TopologyLabel.ID]: spec.topologyId, [TopologyLabel.DECKY]: spec.name, [TopologyLabel.ROLE]: 'base' };
  const container = await docker.createContainer({
    name: base,
    Hostname: spec.name,
    Image: DECKY_IMAGE,
    Cmd: ['sleep', 'infinity'],
    Labels: { ...baseLabels, ...(opts.compose ? composeLabels(spec.name) : {}) },
    HostConfig: { NetworkMode: network, AutoRemove: false },
    NetworkingConfig: { EndpointsConfig: { [network]: opts.ip ? { IPAMConfig: { IPv4Address: opts.ip } } : {} } },
  });
  created(base, true);
  await container.start();
  const info = await container.inspect();
  const ip = info.NetworkSettings.Networks[network]?.IPAddress ?? '';
  const services: string[] = [];
  for (const service of spec.services) {
    const name = `${spec.name}-${service}`;
    const c = await docker.createContainer({
      name,
      Image: DECKY_IMAGE,
      Cmd: spec.commands?.[service] ?? commandFor(service),
      Labels: { ...serviceLabels(spec, service), ...(opts.compose ? composeLabels(name) : {}), ...spec.labels },
      HostConfig: { NetworkMode: `container:${info.Id}`, AutoRemove: false },
    });
    created(name, false);
    services.push(name);
    await c.start();
  }
  return { base, services, ip };
}

/** Removes what launchDeckies started, then the network; never throws. */
export async function removeDeckies(docker: Docker, launched: LaunchedNetwork): Promise<void> {
  await removeContainers(docker, launched.containers);
  await docker
    .getNetwork(launched.network)
    .remove()
    .catch(() => undefined);
}

/** Force-removes containers by name (a base may go before the services sharing its network); never throws. */
async function removeContainers(docker: Docker, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map((name) =>
      docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

// the ssh service runs the image's sshd entrypoint; other services and the base only need to be alive.
function commandFor(service: string): string[] | undefined {
  return service === 'ssh' ? undefined : ['sleep', 'infinity'];
}

function serviceLabels(spec: DeckySpec, service: string): Record<string, string> {
  if (spec.topologyId === undefined) {
    return { [FleetLabel.SERVICE]: 'true', [FleetLabel.DECKY]: spec.name, [FleetLabel.SERVICE_NAME]: service };
  }
  return {
    [TopologyLabel.ID]: spec.topologyId,
    [TopologyLabel.DECKY]: spec.name,
    [TopologyLabel.SERVICE_NAME]: service,
    [TopologyLabel.SERVICE]: 'true',
  };
}

function composeLabels(service: string): Record<string, string> {
  return { 'com.docker.compose.project': 'decnet', 'com.docker.compose.service': service };
}

// the n-th address of an IPv4 subnet (`10.1.2.0/24`, n = 10 → 10.1.2.10)
function hostAddress(subnet: string, n: number): string {
  const [addr] = subnet.split('/');
  const octets = addr!.split('.').map(Number);
  const value = (((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]! + n) >>> 0;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
