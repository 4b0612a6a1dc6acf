import type { SshAuth } from './ssh-auth.js';

/** TLS material for a TCP engine (`DOCKER_CERT_PATH` files, already read). */
interface EngineTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Where a Docker engine listens, in words independent of the client library. */
export type EngineAddress =
  | { kind: 'socket'; path: string }
  | { kind: 'tcp'; host: string; port: number; tls?: EngineTls }
  | ({ kind: 'ssh'; host: string; port: number; username: string } & SshAuth);

/** True for a name or address on this machine (`localhost`, 127.0.0.0/8, ::1), brackets allowed. */
export function isLoopbackHost(h: string): boolean {
  const bare = h.replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** `ssh://user@host:port` with the port always written, for messages. */
export function sshEndpoint(a: { host: string; port: number; username: string }): string {
  return `ssh://${a.username}@${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
