import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { WebSocket, WebSocketServer } from 'ws';
import { hostHeaderIsLoopback } from '../../http/auth.js';
import { BASE_HEADERS } from '../../http/respond.js';
import { BRIDGE_CSS, BRIDGE_HTML, BRIDGE_JS, STATELY_INSPECTOR_ORIGIN } from '../bridge-page.js';
import type { InspectorHandle, InspectorOptions } from '../inspector.port.js';
import { sanitizeInspectionEvent } from '../sanitize-inspection.js';

// late viewers get each live actor's registration and latest snapshot; bounded for huge fleets.
const MAX_REPLAY_ACTORS = 5000;
const MAX_VIEWER_BACKLOG = 1024 * 1024;
const ENDED = new Set(['done', 'error', 'stopped']);

/**
 * The package's own server binds every interface and shells out to open a browser, and its
 * WebSocket client defers and reconnects: instead the inspector's adapter hands sanitised events
 * straight to viewers connected to a loopback WebSocket server, in the same JSON that
 * `createWebSocketInspector` would send.
 */
export async function startStatelyInspector(o: InspectorOptions): Promise<InspectorHandle> {
  const host = o.host ?? '127.0.0.1';
  const maxViewers = o.maxViewers ?? 8;
  const log = o.logger.child({ component: 'inspector' });
  const replay = new Map<string, { actor?: string; snapshot?: string }>();

  const server = createServer((req, res) => servePage(req, res));
  const wss = new WebSocketServer({
    server,
    path: '/',
    maxPayload: 1024,
    verifyClient: (info, done) => {
      if (!viewerAllowed(info.req)) return done(false, 403, 'forbidden');
      if (wss.clients.size >= maxViewers) return done(false, 429, 'too many viewers');
      done(true);
    },
  });
  wss.on('connection', (ws) => {
    for (const entry of replay.values()) {
      if (entry.actor) ws.send(entry.actor);
      if (entry.snapshot) ws.send(entry.snapshot);
    }
    // viewers only listen; anything they send is ignored, never relayed
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
  });

  const broadcast = (text: string): void => {
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_VIEWER_BACKLOG) ws.terminate();
      else ws.send(text);
    }
  };

  const inspector = createInspector(
    {
      send(ev: StatelyInspectionEvent) {
        const safe = sanitizeInspectionEvent(ev);
        const text = JSON.stringify(safe);
        remember(replay, ev, text);
        broadcast(text);
      },
    },
    { autoStart: false },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const base = `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const url = `http://${base}/`;
  const wsUrl = `ws://${base}/`;
  const viewer = `${STATELY_INSPECTOR_ORIGIN}/inspect`;
  // said at start, not only in the README: the operator's browser talks to a third party
  log.info(
    { url, wsUrl, viewer },
    `xstate inspector listening: open ${url} in a browser (remote host: ssh -L ${addr.port}:${host === '::1' ? '[::1]' : host}:${addr.port} first). ` +
      `That page loads the third-party Stately inspector (${viewer}) into your browser and posts every sanitised inspection event to it`,
  );

  return {
    inspect: inspector.inspect,
    url,
    wsUrl,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function remember(replay: Map<string, { actor?: string; snapshot?: string }>, ev: StatelyInspectionEvent, text: string): void {
  if (ev.type === '@xstate.event') return;
  const entry = replay.get(ev.sessionId) ?? {};
  if (ev.type === '@xstate.actor') entry.actor = text;
  else entry.snapshot = text;
  replay.delete(ev.sessionId);
  if (ENDED.has(String(ev.snapshot?.status))) return;
  replay.set(ev.sessionId, entry);
  if (replay.size > MAX_REPLAY_ACTORS) replay.delete(replay.keys().next().value!);
}

// any web page can open a WebSocket to loopback: only our own bridge page (same origin) or a
// non-browser client (no Origin) may watch, and the Host must be loopback (DNS rebinding).
function viewerAllowed(req: IncomingMessage): boolean {
  if (!hostHeaderIsLoopback(req.headers.host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

function servePage(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const page = path === '/' ? BRIDGE_HTML : path === '/bridge.js' ? BRIDGE_JS : path === '/bridge.css' ? BRIDGE_CSS : null;
  if (!hostHeaderIsLoopback(req.headers.host) || req.method !== 'GET' || page === null) {
    res.writeHead(404, BASE_HEADERS);
    res.end();
    return;
  }
  const type = path === '/' ? 'text/html' : path === '/bridge.js' ? 'text/javascript' : 'text/css';
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': `${type}; charset=utf-8`,
    'Content-Security-Policy':
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ws://${req.headers.host}; ` +
      `frame-src ${STATELY_INSPECTOR_ORIGIN}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
  res.end(page);
}
