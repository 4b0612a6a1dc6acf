import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { RunningDecky } from '../../domain/decky.js';
import { hostOf } from '../../machines/policy/pick.js';
import type { HostRegistry } from './host-registry.js';

/**
 * The engine a decky acts on (SPEC §1.3): its own host's. Local deckies (and topology deckies
 * never placed) act on the local engine; a decky seen on a swarm host — shard or topology — on
 * that host's engine, never on the local one, where its containers do not exist.
 */
export function dockerForDecky(local: DockerPort, registry: HostRegistry): (decky: RunningDecky) => DockerPort {
  return (decky) => {
    const host = hostOf(decky);
    if (host === 'local' || host === local.hostId) return local;
    const port = registry.port(host);
    if (!port) throw new Error(`no Docker engine configured for host ${host} (${decky.source} decky ${decky.uuid})`);
    return port;
  };
}
