import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { ApiSources } from './api-sources.port.js';
import { bearerMatches, hostHeaderIsLoopback, isLoopbackHost, MIN_TOKEN_LENGTH } from './auth.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, limitConnections } from './connection-limits.js';
import { crossSiteRefusal } from './cross-site.js';
import { sendError } from './respond.js';
import { createRoutes, serveThread, THREAD_PREFIX } from './routes.js';
import { createEventStream } from './sse.js';
import { DEFAULT_STATIC_DIR, serveStatic } from './static-files.js';
import { errText } from '../../domain/err-text.js';

/** Options of `startHttpServer`. */
interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (tests) */
  port: number;
  /** required unless `host` is loopback; then every request needs `Authorization: Bearer <token>` */
  token?: string;
  sources: ApiSources;
  bus: BusPort;
  logger: Logger;
  /** dashboard assets; default src/web (dist/web once built) */
  staticDir?: string;
  /** SSE keepalive period, default 15 s */
  keepaliveMs?: number;
  /** concurrent SSE streams, default 16 */
  maxStreams?: number;
  /** epoch ms, for the stats window */
  now?: () => number;
  /** bound on one realism report (default 120 s) */
  realismTimeoutMs?: number;
  /** socket cap and timeouts; each defaults to `DEFAULT_CONNECTION_LIMITS` */
  limits?: Partial<ConnectionLimits>;
}

/** A running API server. */
export interface HttpServerHandle {
  /** base URL, e.g. `http://127.0.0.1:8080` */
  url: string;
  /** ends open streams and stops listening */
  close(): Promise<void>;
}

/** Refusal to start with an unsafe or invalid setup; the message says what to fix. */
export class HttpConfigError extends Error {
  readonly code = 'HTTP_CONFIG';
}

const STREAM_PATH = '/api/v1/orchestrator/events/stream';

/** Starts the HTTP API, SSE stream, `/metrics` and the dashboard (issue 4). */
export async function startHttpServer(o: HttpServerOptions): Promise<HttpServerHandle> {
  const token = o.token === '' ? undefined : o.token;
  if (!token && !isLoopbackHost(o.host)) {
    throw new HttpConfigError(`refusing to serve the HTTP API on ${o.host} without a token: set DECNET_HTTP_TOKEN or bind 127.0.0.1`);
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new HttpConfigError(`the HTTP API token must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  const log = o.logger.child({ component: 'http' });
  const staticDir = o.staticDir ?? DEFAULT_STATIC_DIR;
  const routes = createRoutes(
    o.sources,
    o.now ?? Date.now,
    o.realismTimeoutMs === undefined ? {} : { realismTimeoutMs: o.realismTimeoutMs },
  );
  const stream = createEventStream({
    bus: o.bus,
    sources: o.sources,
    logger: log,
    keepaliveMs: o.keepaliveMs,
    maxStreams: o.maxStreams,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // a web page in the operator's browser must not drive the API, whatever the token or bind
    const crossSite = crossSiteRefusal(req.headers);
    if (crossSite) return sendError(res, 403, 'forbidden', `cross-site request refused: ${crossSite}`);
    if (token && !bearerMatches(req.headers.authorization, token)) {
      // no reason given: nothing tells a scanner what runs here
      return sendError(res, 401, 'unauthorized', undefined, { 'WWW-Authenticate': 'Bearer' });
    }
    if (!token && !hostHeaderIsLoopback(req.headers.host)) {
      return sendError(res, 403, 'forbidden', 'without a token the Host header must name a loopback address');
    }
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const post = routes.post.get(path);
    if (req.method === 'POST' && post) return post(req, res, query);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'method not allowed', undefined, { Allow: post ? 'GET, HEAD, POST' : 'GET, HEAD' });
    }
    const route = routes.get.get(path);
    if (route) return route(res, query);
    if (path === STREAM_PATH) {
      // a HEAD would hold one of the few stream slots open for nothing
      if (req.method === 'HEAD') return sendError(res, 405, 'method not allowed', undefined, { Allow: 'GET' });
      // a stream is idle between events by design: its keepalives, not the stall timer, prove the peer
      req.socket.setTimeout(0);
      return stream.handle(req, res);
    }
    if (path.startsWith(THREAD_PREFIX)) return serveThread(o.sources, path.slice(THREAD_PREFIX.length), res);
    if (path.startsWith('/api/') || path === '/api') return sendError(res, 404, 'not found');
    return serveStatic(staticDir, path, res, req.method === 'HEAD');
  };

  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...o.limits };
  const server = createServer({ connectionsCheckingInterval: limits.checkIntervalMs }, (req, res) => {
    // the socket already got its 503; whatever it still sends is not served
    if (connections.isRefused(req.socket)) return;
    handle(req, res).catch((err: unknown) => {
      log.error({ err: errText(err), path: req.url }, 'http request failed');
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  });
  const connections = limitConnections(server, limits);

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info({ url, auth: token ? 'bearer' : 'loopback' }, 'http api listening');

  return {
    url,
    close: () =>
      new Promise<void>((resolveClose) => {
        stream.closeAll();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
