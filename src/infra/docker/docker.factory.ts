import type { Config } from '../config/config.js';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../log/logger.port.js';
import { DockerError } from './docker-error.js';
import type { DockerPort } from './docker.port.js';
import { type EngineAddress, isLoopbackHost } from './engine-address.js';
import { createDockerodePort } from './impl/dockerode.js';
import { sshAuthFrom } from './ssh-auth.js';

/** The DOCKER_HOST schemes understood, in the order the error message lists them. */
const DOCKER_HOST_SCHEMES = ['unix://', 'tcp://', 'http://', 'https://', 'ssh://'] as const;

/** The engine every local socket path defaults to. */
export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** What createDocker needs: a subset of Config plus the host it serves. */
interface DockerFactoryOptions {
  /** DOCKER_HOST-style address; unset → the local socket */
  dockerHost?: string;
  /** `local` for the local engine, a swarm host uuid otherwise */
  hostId?: string;
  execTimeoutMs?: number;
  execMaxOutputBytes?: number;
  /** extra `key=value` label filter (DECNET_DOCKER_SCOPE) */
  scope?: string;
  logger?: Logger;
  /**
   * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, and SSH_AUTH_SOCK / DECNET_SSH_KEY / DECNET_SSH_KNOWN_HOSTS / HOME for ssh://; defaults to
   * process.env
   */
  env?: NodeJS.ProcessEnv;
}

/**
 * Parses a DOCKER_HOST value into an engine address. Throws DockerError (`DOCKER_CONFIG`) naming
 * the accepted schemes when the value is not one of them. An ssh:// address carries the agent,
 * key and known_hosts file `sshAuthFrom` finds in `env`.
 */
export function parseDockerHost(dockerHost: string | undefined, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const raw = dockerHost?.trim();
  if (!raw) return { kind: 'socket', path: DEFAULT_SOCKET };
  if (raw.startsWith('unix://')) return { kind: 'socket', path: raw.slice('unix://'.length) || DEFAULT_SOCKET };
  if (raw.startsWith('/')) return { kind: 'socket', path: raw };
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw badHost(raw, cause);
  }
  if (!url.hostname) throw badHost(raw);
  switch (url.protocol) {
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const port = Number(url.port || (url.protocol === 'https:' ? 2376 : 2375));
      const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
      if (!tls) return { kind: 'tcp', host: url.hostname, port };
      return { kind: 'tcp', host: url.hostname, port, tls: readCerts(env.DOCKER_CERT_PATH) };
    }
    case 'ssh:':
      return {
        kind: 'ssh',
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(url.port || 22),
        // as the docker CLI does: no user in the URL is the local user's name
        username: url.username ? decodeURIComponent(url.username) : env.USER || userInfo().username,
        ...sshAuthFrom(env),
      };
    default:
      throw badHost(raw);
  }
}

/**
 * Builds the DockerPort for one engine from DOCKER_HOST-style configuration. A plaintext
 * `tcp://`/`http://` engine off this machine is refused (DockerError `DOCKER_CONFIG`), as
 * `swarm add-host` refuses one: an unauthenticated Docker API is root on that host for anyone on
 * the network, and attackers are on this network by design.
 */
export function createDocker(opts: DockerFactoryOptions = {}): DockerPort {
  const address = parseDockerHost(opts.dockerHost, opts.env ?? process.env);
  if (address.kind === 'tcp' && !address.tls && !isLoopbackHost(address.host)) {
    throw new DockerError(
      `refused DOCKER_HOST=${opts.dockerHost?.trim()}: a plaintext Docker API on another machine is root there for anyone on the network; use TLS (https://, or DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH) or ssh://`,
      'DOCKER_CONFIG',
      false,
    );
  }
  return createDockerodePort({
    hostId: opts.hostId ?? 'local',
    docker: address,
    defaultTimeoutMs: opts.execTimeoutMs,
    maxOutputBytes: opts.execMaxOutputBytes,
    scope: opts.scope,
    logger: opts.logger ?? silentLogger,
  });
}

function readCerts(dir: string | undefined): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  if (!dir) return {};
  try {
    return {
      ca: readFileSync(join(dir, 'ca.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
      key: readFileSync(join(dir, 'key.pem')),
    };
  } catch (cause) {
    throw new DockerError(`cannot read TLS files in DOCKER_CERT_PATH=${dir}`, 'DOCKER_CONFIG', false, { cause });
  }
}

function badHost(raw: string, cause?: unknown): DockerError {
  return new DockerError(
    `unsupported DOCKER_HOST ${JSON.stringify(raw)}; expected one of ${DOCKER_HOST_SCHEMES.join(', ')} (or a socket path)`,
    'DOCKER_CONFIG',
    false,
    { cause },
  );
}

/** The local engine's DockerPort as the daemon's configuration describes it. */
export function createLocalDocker(
  config: Pick<Config, 'dockerHost' | 'execTimeoutMs' | 'execMaxOutputBytes' | 'dockerScope'>,
  logger: Logger,
): DockerPort {
  return createDocker({
    ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
    hostId: 'local',
    execTimeoutMs: config.execTimeoutMs,
    execMaxOutputBytes: config.execMaxOutputBytes,
    ...(config.dockerScope ? { scope: config.dockerScope } : {}),
    logger,
  });
}
