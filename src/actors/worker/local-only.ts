import type { RunningDecky } from '../../domain/decky.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';

/** The engine a decky acts on when no host registry is given: local, never the wrong host. */
export function localOnly(docker: DockerPort): (decky: RunningDecky) => DockerPort {
  return (decky) => {
    if (decky.source === 'shard' && decky.hostUuid !== docker.hostId) {
      throw new Error(`no Docker engine configured for host ${decky.hostUuid ?? '?'} (shard decky ${decky.uuid})`);
    }
    return docker;
  };
}
