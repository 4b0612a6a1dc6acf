import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { ConnectionLimits } from '../../../src/surfaces/http/connection-limits.js';
import { type HttpServerHandle, startHttpServer } from '../../../src/surfaces/http/server.js';
import { openSse, rawGet, type SseReader } from './support/http-client.js';
import { inMemorySources } from './support/in-memory-sources.js';

const STREAM = '/api/v1/orchestrator/events/stream';
let server: HttpServerHandle | undefined;
const sockets: Socket[] = [];
const readers: SseReader[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const r of readers.splice(0)) r.close();
  await server?.close();
  server = undefined;
});

async function start(opts: { limits?: Partial<ConnectionLimits>; keepaliveMs?: number } = {}) {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    sources: inMemorySources(),
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    ...opts,
  });
  return server.url;
}

/** A raw TCP client that remembers what it received and when the server closed it. */
interface Probe {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

function probe(url: string, t0: number, send?: string): Promise<Probe> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    sockets.push(socket);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
    });
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - t0)));
    socket.once('error', () => {});
    socket.once('connect', () => {
      if (send !== undefined) socket.write(send);
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

const statusOf = (raw: string) => raw.split('\r\n', 1)[0];

describe('the HTTP server’s connection limits', () => {
  it('closes a flood of idle sockets, and idle keep-alive ones, within seconds with the default limits', async () => {
    const url = await start();
    const t0 = Date.now();
    const idle = await Promise.all(Array.from({ length: 200 }, () => probe(url, t0)));
    // one request each, then nothing: the keep-alive timeout must close them
    const kept = await Promise.all(
      Array.from({ length: 20 }, () => probe(url, t0, 'GET /api/v1/workers HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')),
    );
    const idleClosed = await Promise.all(idle.map((p) => p.closed));
    const keptClosed = await Promise.all(kept.map((p) => p.closed));
    // headers 5 s + one 1 s check + scheduling slack; Node's defaults took 30 s and more
    expect(Math.max(...idleClosed)).toBeLessThan(7_500);
    expect(Math.min(...idleClosed)).toBeGreaterThanOrEqual(4_500);
    expect(statusOf(idle[0]!.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(Math.max(...keptClosed)).toBeLessThan(7_500);
    for (const k of kept) expect(statusOf(k.received())).toBe('HTTP/1.1 200 OK');
    console.info(
      `idle sockets closed after ${Math.min(...idleClosed)}..${Math.max(...idleClosed)} ms, keep-alive ones after ${Math.min(...keptClosed)}..${Math.max(...keptClosed)} ms`,
    );
  }, 20_000);

  it('answers a slowloris header, one line a second, with 408 within seconds', async () => {
    const url = await start();
    const t0 = Date.now();
    const slow = await probe(url, t0, 'GET /api/v1/workers HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let n = 0;
    const drip = setInterval(() => slow.socket.writable && slow.socket.write(`X-Slow-${n++}: a\r\n`), 1_000);
    const closedAt = await slow.closed;
    clearInterval(drip);
    expect(statusOf(slow.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(closedAt).toBeLessThan(7_500);
    expect(n).toBeGreaterThanOrEqual(4);
    console.info(`slowloris header got its 408 after ${closedAt} ms`);
  }, 20_000);

  it('answers sockets past the cap with a 503 and closes them, serves none of their requests, and accepts again once one closes', async () => {
    const url = await start({ limits: { maxConnections: 10 } });
    const t0 = Date.now();
    const held = await Promise.all(Array.from({ length: 10 }, () => probe(url, t0)));
    // the server has counted them once one round trip on a fresh socket has come back
    await new Promise((r) => setTimeout(r, 100));
    const extra = await Promise.all(
      Array.from({ length: 5 }, () => probe(url, t0, 'GET /api/v1/workers HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')),
    );
    await Promise.all(extra.map((p) => p.closed));
    for (const p of extra) {
      const raw = p.received();
      expect(statusOf(raw)).toBe('HTTP/1.1 503 Service Unavailable');
      expect(raw.endsWith('{"error":"too many connections"}')).toBe(true);
      // only the refusal: the request it sent was never answered
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    }
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect((await rawGet(url, '/api/v1/workers')).status).toBe(200);
  });

  it('keeps an event stream open past every idle bound, on its keepalives', async () => {
    const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, stalledSocketMs: 500, checkIntervalMs: 100 };
    // keepalives slower than the stall bound: only a stream exempt from it survives
    const url = await start({ limits, keepaliveMs: 700 });
    const t0 = Date.now();
    const stream = await openSse(url, STREAM);
    readers.push(stream);
    const idle = await probe(url, t0);
    expect(stream.status).toBe(200);
    let keepalives = 0;
    const until = Date.now() + 2_200;
    while (Date.now() < until) {
      const f = await stream.next(1_000);
      if (f.comment === 'keepalive') keepalives += 1;
    }
    // four times the stall bound later, the stream still delivers; the idle socket beside it is long gone
    expect(keepalives).toBeGreaterThanOrEqual(2);
    expect(await idle.closed).toBeLessThan(1_500);
  });
});
