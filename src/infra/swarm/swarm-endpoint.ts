import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { isLoopbackHost } from '../docker/engine-address.js';

/** The endpoint schemes a swarm host may use, in the order errors list them. */
const SWARM_SCHEMES = ['unix:///path/to/docker.sock', 'tcp://host:2376 (TLS)', 'ssh://user@host[:port]'] as const;

/** A checked `decnet-orchestrator swarm add-host` request: names and endpoints an operator typed. */
export interface SwarmHostSpec {
  name: string;
  endpoint: string;
  tls: { ca?: string; cert?: string; key?: string };
  sharesNetwork: boolean;
}

/** Why a host spec was refused; the message says which part and what is accepted. */
export class SwarmHostSpecError extends Error {
  readonly code = 'SWARM_HOST_INVALID';
}

// the name shows in tables and logs and is typed on command lines: one safe token
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HOSTNAME_RE = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const USER_RE = /^[a-z_][a-z0-9_.-]{0,31}$/i;

/**
 * Checks what an operator asked to register. TLS files belong to `tcp://` only, cert and key come
 * together, and a `tcp://` engine off this machine needs them: a plain remote Docker API is root
 * on that host for anyone on the network, and attackers are on this network by design.
 */
export function checkSwarmHostSpec(spec: SwarmHostSpec): SwarmHostSpec {
  if (!NAME_RE.test(spec.name))
    throw new SwarmHostSpecError(
      `host name must start with a letter or digit and contain only letters, digits, '_', '.', '-' (got ${JSON.stringify(spec.name)})`,
    );
  if (spec.name === 'local') throw new SwarmHostSpecError('"local" names the engine this daemon runs on; pick another host name');
  const url = parseEndpoint(spec.endpoint);
  const tls = Object.values(spec.tls).some((v) => v !== undefined);
  for (const [k, v] of Object.entries(spec.tls)) {
    if (v !== undefined && !isAbsolute(v)) throw new SwarmHostSpecError(`--tls-${k} must be an absolute path (got ${JSON.stringify(v)})`);
  }
  if (tls && url.protocol !== 'tcp:') throw new SwarmHostSpecError('TLS files apply to tcp:// endpoints only');
  if ((spec.tls.cert === undefined) !== (spec.tls.key === undefined)) throw new SwarmHostSpecError('--tls-cert and --tls-key go together');
  if (url.protocol === 'tcp:' && !tls && !isLoopbackHost(url.hostname)) {
    throw new SwarmHostSpecError(
      `tcp://${url.hostname} needs --tls-ca/--tls-cert/--tls-key (an unauthenticated Docker API is root on that host); use TLS or ssh://`,
    );
  }
  return spec;
}

function parseEndpoint(endpoint: string): URL {
  const bad = (why: string) =>
    new SwarmHostSpecError(`endpoint ${JSON.stringify(endpoint)} ${why}; expected one of ${SWARM_SCHEMES.join(', ')}`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad('is not a URL');
  }
  switch (url.protocol) {
    case 'unix:':
      if (url.host !== '' || !url.pathname.startsWith('/') || url.pathname.length < 2) throw bad('must name an absolute socket path');
      return url;
    case 'tcp:':
      if (!validHost(url.hostname) || url.port === '' || url.pathname.replace(/\/$/, '') !== '' || url.username)
        throw bad('must be tcp://host:port');
      return url;
    case 'ssh:':
      if (
        !validHost(url.hostname) ||
        !USER_RE.test(decodeURIComponent(url.username)) ||
        url.password ||
        url.pathname.replace(/\/$/, '') !== ''
      ) {
        throw bad('must be ssh://user@host[:port] (keys come from the SSH agent or DECNET_SSH_KEY, never the URL)');
      }
      return url;
    default:
      throw bad('uses an unsupported scheme');
  }
}

function validHost(h: string): boolean {
  const bare = h.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) !== 0 || HOSTNAME_RE.test(bare);
}
