import { readFileSync } from 'node:fs';
import { parseDockerHost } from '../docker/docker.factory.js';
import { DockerError } from '../docker/docker-error.js';
import type { DockerPort } from '../docker/docker.port.js';
import type { EngineAddress } from '../docker/engine-address.js';
import { createDockerodePort } from '../docker/impl/dockerode.js';
import { type Logger, silentLogger } from '../log/logger.port.js';
import type { SwarmHost } from '../store/swarm-hosts.port.js';

/** Exec bounds and discovery scope a swarm host's port shares with the local one. */
interface SwarmDockerOptions {
  execTimeoutMs?: number;
  execMaxOutputBytes?: number;
  /** extra `key=value` label filter (DECNET_DOCKER_SCOPE) */
  scope?: string;
  logger?: Logger;
}

/** Builds a swarm host's engine address; TLS files are read now, so rotated certificates apply on reconnect. */
export function swarmEngineAddress(host: Pick<SwarmHost, 'endpoint' | 'tls'>): EngineAddress {
  // an empty env: the daemon's own DOCKER_TLS_VERIFY/DOCKER_CERT_PATH belong to the local engine
  const address = parseDockerHost(host.endpoint, {});
  if (address.kind !== 'tcp') return address;
  const { ca, cert, key } = host.tls;
  if (ca === null && cert === null && key === null) return address;
  return { ...address, tls: { ...read('ca', ca), ...read('cert', cert), ...read('key', key) } };
}

/** The DockerPort of one swarm host: `hostId` is its uuid, so shard ids and logs name it. */
export function createSwarmDocker(host: SwarmHost, opts: SwarmDockerOptions = {}): DockerPort {
  return createDockerodePort({
    hostId: host.uuid,
    docker: swarmEngineAddress(host),
    ...(opts.execTimeoutMs === undefined ? {} : { defaultTimeoutMs: opts.execTimeoutMs }),
    ...(opts.execMaxOutputBytes === undefined ? {} : { maxOutputBytes: opts.execMaxOutputBytes }),
    ...(opts.scope === undefined ? {} : { scope: opts.scope }),
    logger: opts.logger ?? silentLogger,
  });
}

function read(what: 'ca' | 'cert' | 'key', path: string | null): Record<string, Buffer> {
  if (path === null) return {};
  try {
    return { [what]: readFileSync(path) };
  } catch (cause) {
    throw new DockerError(`cannot read the TLS ${what} file ${path}`, 'DOCKER_CONFIG', false, { cause });
  }
}
