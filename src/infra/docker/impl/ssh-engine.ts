import type Docker from 'dockerode';
import { errText } from '../../../domain/err-text.js';
import { type EngineAddress, sshEndpoint } from '../engine-address.js';
import { HostKeyCheck } from '../host-key-check.js';
import { sshAuthFailure } from '../ssh-auth.js';

/** An ssh:// engine's dockerode options, and how its connection failures read. */
interface SshEngine {
  options: Docker.DockerOptions;
  /** one line for an operator: the host key refusal, the login refusal, or what ssh2 said */
  explain(err: unknown): string;
}

/**
 * dockerode options for an engine behind SSH. docker-modem opens one ssh2 connection per request
 * and runs `docker system dial-stdio` there; everything in `sshOptions` reaches ssh2's connect:
 * the agent socket, the key, and a hostVerifier, so no host key is ever accepted unchecked.
 */
export function sshEngine(a: Extract<EngineAddress, { kind: 'ssh' }>): SshEngine {
  const endpoint = sshEndpoint(a);
  const check = new HostKeyCheck({ knownHosts: a.knownHosts, host: a.host, port: a.port, endpoint });
  const options: Docker.DockerOptions = {
    protocol: 'ssh',
    host: a.host,
    port: a.port,
    username: a.username,
    sshOptions: {
      ...(a.agent ? { agent: a.agent } : {}),
      ...(a.privateKey ? { privateKey: a.privateKey } : {}),
      hostVerifier: (key: Buffer) => check.verify(key),
      // chosen when the port is built: a host whose key type changes needs a restart to prefer it
      algorithms: { serverHostKey: check.algorithms() as never },
      readyTimeout: 10_000,
    },
  };
  return {
    options,
    explain(err) {
      const e = err as { level?: unknown; message?: unknown };
      if (check.refusal && /verification failed/i.test(String(e.message))) return check.refusal;
      if (e.level === 'client-authentication') return sshAuthFailure(endpoint, a.username, a);
      return `${endpoint}: ${errText(err)}`;
    },
  };
}
