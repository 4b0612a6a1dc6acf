import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { SwarmHost } from '../../infra/store/swarm-hosts.port.js';

/** The swarm hosts a daemon knows and one DockerPort per host, made on first use. */
export interface HostRegistry {
  /** replaces the known hosts; ports of hosts that are gone are closed */
  update(hosts: readonly SwarmHost[]): void;
  /** the host's port, or undefined for an unknown host; throws when it cannot be built (TLS files) */
  port(hostUuid: string): DockerPort | undefined;
  /** the hosts last given to `update` */
  hosts(): readonly SwarmHost[];
  /** closes every port */
  close(): void;
}

/** A registry building ports with `connect` (the swarm docker factory in production, fakes in tests). */
export function createHostRegistry(connect: (host: SwarmHost) => DockerPort): HostRegistry {
  let known = new Map<string, SwarmHost>();
  const ports = new Map<string, DockerPort>();
  return {
    update(hosts) {
      known = new Map(hosts.map((h) => [h.uuid, h]));
      for (const [uuid, port] of ports) {
        if (known.has(uuid)) continue;
        port.close?.();
        ports.delete(uuid);
      }
    },
    port(hostUuid) {
      const existing = ports.get(hostUuid);
      if (existing) return existing;
      const host = known.get(hostUuid);
      if (!host) return undefined;
      const port = connect(host);
      ports.set(hostUuid, port);
      return port;
    },
    hosts: () => [...known.values()],
    close() {
      for (const p of ports.values()) p.close?.();
      ports.clear();
    },
  };
}
