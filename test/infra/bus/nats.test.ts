import { connect, type NatsConnection, StringCodec } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createNatsBus, type NatsBus } from '../../../src/infra/bus/impl/nats.js';
import { emailTopic, fileTopic, trafficTopic } from '../../../src/infra/bus/topics.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { NatsServer, requireNatsOrSkip } from '../../support/nats-server.js';

const sc = StringCodec();

function recordingLogger() {
  const lines: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    lines.push({ level, obj: typeof obj === 'string' ? {} : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** An independent process's view: the official client subscribed on `pattern`. */
async function watcher(url: string, pattern: string): Promise<{ nc: NatsConnection; got: { subject: string; data: unknown }[] }> {
  const nc = await connect({ servers: url });
  const got: { subject: string; data: unknown }[] = [];
  nc.subscribe(pattern, { callback: (_err, msg) => got.push({ subject: msg.subject, data: JSON.parse(sc.decode(msg.data)) }) });
  await nc.flush();
  return { nc, got };
}

describe.runIf(requireNatsOrSkip())('NATS bus against a real nats-server', () => {
  let server: NatsServer;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(() => server.stop());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await server.resume();
  });

  const bus = (over: Partial<Parameters<typeof createNatsBus>[0]> = {}): NatsBus => {
    const b = createNatsBus({ url: server.url, logger: recordingLogger().logger, retryBaseMs: 50, retryMaxMs: 200, ...over });
    cleanups.push(() => b.close());
    return b;
  };
  const watch = async (pattern: string) => {
    const w = await watcher(server.url, pattern);
    cleanups.push(() => w.nc.close());
    return w;
  };

  it('publishes the SPEC §5 envelope on the topic as subject, and a subscriber on orchestrator.> sees every event', async () => {
    const w = await watch('orchestrator.>');
    const b = bus({ now: () => new Date('2025-01-01T00:00:00.000Z') });
    await b.whenConnected();
    const topics = Array.from({ length: 30 }, (_, i) => [trafficTopic, fileTopic, emailTopic][i % 3]!(`local:web${i}`));
    for (const [i, t] of topics.entries()) b.publish(t, 'action', { i, success: true });
    await until(() => w.got.length === 30);
    expect(w.got.map((m) => m.subject)).toEqual(topics);
    expect(w.got[4]).toEqual({
      subject: 'orchestrator.file.local:web4',
      data: {
        v: 1,
        id: expect.any(String),
        topic: 'orchestrator.file.local:web4',
        type: 'action',
        ts: '2025-01-01T00:00:00.000Z',
        payload: { i: 4, success: true },
      },
    });
    expect(b.stats()).toMatchObject({ backend: 'nats', connected: true, published: 30, failed: 0 });
  });

  it('refuses a topic that is not a valid NATS subject and sends nothing', async () => {
    const w = await watch('>');
    const b = bus();
    await b.whenConnected();
    b.publish('orchestrator.file.a.b', 'x', {});
    b.publish('orchestrator.file.a b', 'x', {});
    b.publish('orchestrator.file.ok', 'x', {});
    await until(() => w.got.length === 1);
    expect(w.got.map((m) => m.subject)).toEqual(['orchestrator.file.ok']);
  });

  it('delivers its own publishes to local subscribers exactly once', async () => {
    const b = bus();
    await b.whenConnected();
    const seen: Envelope[] = [];
    b.subscribe('orchestrator.>', (e) => seen.push(e));
    b.publish('orchestrator.traffic.local:web01', 'action', { n: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((e) => e.payload)).toEqual([{ n: 1 }]);
  });

  it('delivers what another process publishes: a full envelope as sent, a bare object as the payload', async () => {
    const b = bus();
    await b.whenConnected();
    const seen: Envelope[] = [];
    b.subscribe('system.*.control', (e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 50));
    const other = await connect({ servers: server.url });
    cleanups.push(() => other.close());
    const full = {
      v: 1,
      id: 'id-1',
      topic: 'spoofed.topic',
      type: 'worker.control',
      ts: '2025-01-01T00:00:00.000Z',
      payload: { action: 'stop' },
    };
    other.publish('system.orchestrator.control', sc.encode(JSON.stringify(full)));
    other.publish('system.emailgen.control', sc.encode('{"action":"stop"}'));
    other.publish('system.orchestrator.control', sc.encode('not json'));
    other.publish('system.orchestrator.control', sc.encode('[1,2]'));
    await other.flush();
    await until(() => seen.length === 2 && b.stats().rejected === 2);
    expect(seen[0]).toEqual({ ...full, topic: 'system.orchestrator.control' });
    expect(seen[1]).toMatchObject({ v: 1, topic: 'system.emailgen.control', type: 'external', payload: { action: 'stop' } });
    expect(b.stats()).toMatchObject({ received: 2, rejected: 2 });
  });

  it('stops delivering after unsubscribe', async () => {
    const b = bus();
    await b.whenConnected();
    const seen: Envelope[] = [];
    const off = b.subscribe('system.>', (e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 50));
    off();
    const other = await connect({ servers: server.url });
    cleanups.push(() => other.close());
    other.publish('system.orchestrator.control', sc.encode('{"action":"stop"}'));
    await other.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });

  it('survives an outage: publishes never throw, failures are counted and logged, publishing resumes when NATS returns', async () => {
    const { logger, lines } = recordingLogger();
    const b = bus({ logger, failureLogEveryMs: 60_000 });
    await b.whenConnected();
    const local: Envelope[] = [];
    b.subscribe('orchestrator.>', (e) => local.push(e));
    b.publish('orchestrator.file.local:web01', 'action', { n: 0 });

    await server.stop();
    await until(() => !b.stats().connected);
    for (let n = 1; n <= 5; n++) expect(() => b.publish('orchestrator.file.local:web01', 'action', { n })).not.toThrow();
    expect(b.stats()).toMatchObject({ connected: false, published: 1, failed: 5 });
    // one warning per window, not one per event
    expect(lines.filter((l) => l.msg === 'bus publish failed; dropped')).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'bus disconnected from NATS; publishes are dropped until it returns' }),
    );
    // local subscribers (HTTP, metrics) keep seeing the daemon's events during the outage
    expect(local.map((e) => e.payload.n)).toEqual([0, 1, 2, 3, 4, 5]);

    await server.resume();
    await until(() => b.stats().connected, 15_000);
    const w = await watch('orchestrator.>');
    b.publish('orchestrator.file.local:web01', 'action', { n: 6 });
    await until(() => w.got.length === 1);
    expect(w.got[0]?.data).toMatchObject({ payload: { n: 6 } });
    expect(b.stats()).toMatchObject({ connected: true, published: 2, failed: 5 });
  }, 30_000);

  it('starts while NATS is down, counts what it could not send, and connects when the server comes up', async () => {
    await server.stop();
    const b = bus();
    b.publish('orchestrator.traffic.local:web01', 'action', { early: true });
    expect(b.stats()).toMatchObject({ connected: false, failed: 1 });
    await server.resume();
    await b.whenConnected();
    const w = await watch('orchestrator.>');
    b.publish('orchestrator.traffic.local:web01', 'action', { early: false });
    await until(() => w.got.length === 1);
    expect(w.got[0]?.data).toMatchObject({ payload: { early: false } });
  }, 20_000);

  it('flushes what was published when closed', async () => {
    const w = await watch('orchestrator.>');
    const b = createNatsBus({ url: server.url, logger: recordingLogger().logger });
    await b.whenConnected();
    for (let i = 0; i < 100; i++) b.publish('orchestrator.file.local:web01', 'action', { i });
    await b.close();
    await until(() => w.got.length === 100);
    b.publish('orchestrator.file.local:web01', 'action', { late: true });
    expect(b.stats()).toMatchObject({ published: 100, failed: 1 });
  });
});
