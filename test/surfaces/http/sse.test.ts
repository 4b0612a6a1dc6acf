import { afterEach, describe, expect, it } from 'vitest';
import type { BusPort } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { type HttpServerHandle, startHttpServer } from '../../../src/surfaces/http/server.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openSse, rawGet, type SseReader } from './support/http-client.js';
import { anEmail, anEvent, inMemorySources } from './support/in-memory-sources.js';

const STREAM = '/api/v1/orchestrator/events/stream';
let server: HttpServerHandle | undefined;
const readers: SseReader[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await server?.close();
  server = undefined;
});

// counts live subscriptions so a test can see the stream let go of the bus
function countingBus(): BusPort & { live: () => number } {
  const inner = createMemoryBus({ logger: silentLogger });
  let live = 0;
  return {
    publish: (t, ty, p) => inner.publish(t, ty, p),
    subscribe(pattern, handler) {
      const off = inner.subscribe(pattern, handler);
      live += 1;
      return () => {
        live -= 1;
        off();
      };
    },
    live: () => live,
  };
}

async function start(opts: { keepaliveMs?: number; maxStreams?: number; sources?: ReturnType<typeof inMemorySources> } = {}) {
  const bus = countingBus();
  const sources = opts.sources ?? inMemorySources();
  server = await startHttpServer({ host: '127.0.0.1', port: 0, sources, bus, logger: silentLogger, ...opts });
  return { url: server.url, bus, sources };
}

async function open(url: string): Promise<SseReader> {
  const r = await openSse(url, STREAM);
  readers.push(r);
  return r;
}

describe('GET /api/v1/orchestrator/events/stream', () => {
  it('sends a keepalive comment, then the newest 50 as `snapshot`, then each bus event named by its kind', async () => {
    const sources = inMemorySources();
    for (let i = 0; i < 60; i += 1) sources.data.events.push(anEvent({ uuid: `old-${i}`, agoMs: 100_000 - i }));
    sources.data.emails.push(anEmail({ uuid: 'mail-newest', agoMs: 1 }));
    const { url, bus } = await start({ sources });
    const s = await open(url);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-store');

    expect(await s.next()).toMatchObject({ comment: 'keepalive' });
    const snap = await s.next();
    expect(snap.event).toBe('snapshot');
    const rows = JSON.parse(snap.data!) as { uuid: string }[];
    expect(rows).toHaveLength(50);
    expect(rows[0]!.uuid).toBe('mail-newest');
    expect(rows[1]!.uuid).toBe('old-59');

    bus.publish('orchestrator.file.local:db01', 'file.planted', { action: 'file:create', success: true, path: '/tmp/.cache-1.tmp' });
    bus.publish('orchestrator.traffic.local:db01', 'traffic.sent', { src_decky_uuid: 'local:web01', success: false, rc: 124 });
    bus.publish('orchestrator.email.local:mail01', 'email.delivered', { subject: 'Hi', success: true });
    bus.publish('system.orchestrator.health', 'heartbeat', { worker: 'orchestrator' });

    const file = await s.next();
    expect(file.event).toBe('file');
    expect(JSON.parse(file.data!)).toMatchObject({
      kind: 'file',
      action: 'file:create',
      dst_decky_uuid: 'local:db01',
      success: true,
      payload: { path: '/tmp/.cache-1.tmp' },
    });
    const traffic = await s.next();
    expect(traffic.event).toBe('traffic');
    expect(JSON.parse(traffic.data!)).toMatchObject({
      src_decky_uuid: 'local:web01',
      success: false,
      topic: 'orchestrator.traffic.local:db01',
    });
    expect((await s.next()).event).toBe('email');
    // the heartbeat is not an orchestrator event: nothing more arrives
    await expect(s.next(200)).rejects.toThrow(/no SSE frame/);
  });

  it('repeats the keepalive comment at the configured period', async () => {
    const { url } = await start({ keepaliveMs: 30 });
    const s = await open(url);
    await s.next();
    expect((await s.next()).event).toBe('snapshot');
    expect(await s.next(500)).toMatchObject({ comment: 'keepalive' });
    expect(await s.next(500)).toMatchObject({ comment: 'keepalive' });
  });

  it('answers 429 beyond the stream cap and accepts again once a stream closes', async () => {
    const { url } = await start({ maxStreams: 2 });
    const a = await open(url);
    await open(url);
    const refused = await rawGet(url, STREAM);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'too many streams' });
    a.close();
    await expect
      .poll(async () => {
        const r = await openSse(url, STREAM);
        readers.push(r);
        return r.status;
      })
      .toBe(200);
  });

  it('drops its bus subscription when the client goes away', async () => {
    const { url, bus } = await start();
    const before = bus.live();
    const s = await open(url);
    await s.next();
    await s.next();
    expect(bus.live()).toBe(before + 1);
    s.close();
    await expect.poll(() => bus.live()).toBe(before);
  });

  it('ends open streams when the server closes', async () => {
    const { bus } = await start();
    const s = await open(server!.url);
    await s.next();
    await server!.close();
    server = undefined;
    expect(bus.live()).toBe(0);
  });

  it('still streams with an empty snapshot when the store fails', async () => {
    const sources = inMemorySources();
    sources.listEvents = async () => {
      throw new Error('database is locked');
    };
    const { url, bus } = await start({ sources });
    const s = await open(url);
    await s.next();
    expect(await s.next()).toMatchObject({ event: 'snapshot', data: '[]' });
    bus.publish('orchestrator.file.x', 'file.planted', { success: true });
    expect((await s.next()).event).toBe('file');
  });

  it('holds events that race the snapshot query until the snapshot is out', async () => {
    const sources = inMemorySources();
    const bus = countingBus();
    const list = sources.listEvents.bind(sources);
    sources.listEvents = async (q) => {
      bus.publish('orchestrator.traffic.raced', 'traffic.sent', { uuid: 'raced', success: true });
      return list(q);
    };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, sources, bus, logger: silentLogger });
    const s = await open(server.url);
    await s.next();
    expect((await s.next()).event).toBe('snapshot');
    expect(JSON.parse((await s.next()).data!)).toMatchObject({ uuid: 'raced', kind: 'traffic' });
  });
});
