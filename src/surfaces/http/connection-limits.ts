import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long sockets may idle or dawdle, and how many may be open at once. */
export interface ConnectionLimits {
  /** open sockets served; one more is answered 503 and closed. Default 256 */
  maxConnections: number;
  /** a request's headers must arrive within this (408 after). Default 5 s */
  headersTimeoutMs: number;
  /** a whole request (headers and body) must arrive within this (408 after). Default 10 s */
  requestTimeoutMs: number;
  /** an idle keep-alive socket is closed after this. Default 5 s */
  keepAliveTimeoutMs: number;
  /** a socket with no traffic either way for this long is closed (a stalled reader). Default 30 s */
  stalledSocketMs: number;
  /** how often the header and request deadlines are checked; Node's default is 30 s. Default 1 s */
  checkIntervalMs: number;
}

/** The defaults: slowloris and idle floods are cut within seconds. */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  maxConnections: 256,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  stalledSocketMs: 30_000,
  checkIntervalMs: 1_000,
};

// refused sockets still cost a little until their 503 is out: past this many, Node drops them unanswered
const REFUSING_HEADROOM = 64;
const REFUSAL_BODY = JSON.stringify({ error: 'too many connections' });
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\nRetry-After: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${REFUSAL_BODY}`;

/**
 * Applies `limits` to a server made with `connectionsCheckingInterval: limits.checkIntervalMs`.
 * A socket past the cap gets a 503 and is closed; `isRefused` tells the request handler to
 * ignore anything such a socket still sends.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): { isRefused(socket: Socket): boolean } {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.stalledSocketMs;
  server.maxConnections = limits.maxConnections + REFUSING_HEADROOM;
  const served = new Set<Socket>();
  const refused = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    if (served.size >= limits.maxConnections) {
      refused.add(socket);
      socket.end(REFUSAL);
      // a peer that never reads its refusal must not keep the socket
      socket.setTimeout(1_000, () => socket.destroy());
      return;
    }
    served.add(socket);
    socket.once('close', () => served.delete(socket));
  });
  return { isRefused: (socket) => refused.has(socket) };
}
