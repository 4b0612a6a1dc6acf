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
  | { kind: 'ssh'; host: string; port: number; username?: string; agent?: string };
