import { readFileSync } from 'node:fs';
import { parseDockerHost } from '../docker/docker.factory.js';
import { DockerError } from '../docker/docker-error.js';
import type { DockerPort } from '../docker/docker.port.js';
import type { EngineAddress } from '../docker/engine-address.js';
import { SSH_ENV } from '../docker/ssh-auth.js';
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
  /** where SSH_AUTH_SOCK, DECNET_SSH_KEY, DECNET_SSH_KNOWN_HOSTS and HOME come from; process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds a swarm host's engine address; TLS files are read now, so rotated certificates apply on
 * reconnect. An ssh:// host logs in with the daemon's agent or key and checks its known_hosts.
 */
export function swarmEngineAddress(host: Pick<SwarmHost, 'endpoint' | 'tls'>, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  // only the SSH variables: the daemon's own DOCKER_TLS_VERIFY/DOCKER_CERT_PATH belong to the local engine
  const sshEnv = Object.fromEntries(SSH_ENV.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]])));
  const address = parseDockerHost(host.endpoint, sshEnv);
  if (address.kind !== 'tcp') return address;
  const { ca, cert, key } = host.tls;
  if (ca === null && cert === null && key === null) return address;
  return { ...address, tls: { ...read('ca', ca), ...read('cert', cert), ...read('key', key) } };
}

/** The DockerPort of one swarm host: `hostId` is its uuid, so shard ids and logs name it. */
export function createSwarmDocker(host: SwarmHost, opts: SwarmDockerOptions = {}): DockerPort {
  return createDockerodePort({
    hostId: host.uuid,
    docker: swarmEngineAddress(host, opts.env),
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
