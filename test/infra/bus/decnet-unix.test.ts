import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createDecnetUnixBus, type DecnetUnixBus, type DecnetUnixBusOptions } from '../../../src/infra/bus/impl/decnet-unix.js';
import { BusPatternError } from '../../../src/infra/bus/impl/memory.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { DecnetBusServer, type MalformedKind, type RecordedFrame } from '../../support/decnet-bus-server.js';
import { type RawBusClient, rawBusClient } from '../../support/decnet-bus-wire.js';

interface Line {
  level: string;
  msg?: string;
  obj: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    lines.push({
      level,
      obj: typeof obj === 'string' ? {} : obj,
      ...(typeof obj === 'string' ? { msg: obj } : msg === undefined ? {} : { msg }),
    });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

/** Handler that records envelopes and resolves `next(n)` once it holds n of them. */
function collector() {
  const items: Envelope[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    items,
    push: (e: Envelope) => {
      items.push(e);
      for (const w of waiters.filter((x) => items.length >= x.n)) w.resolve();
    },
    next: (n: number, ms = 3000) =>
      items.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${items.length} of ${n} envelopes within ${ms} ms`)), ms);
            waiters.push({
              n,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
  };
}

// a state the client reaches on its own (socket closed); polled, not slept on
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const payloadN = (f: RecordedFrame) => (f.body as { payload?: { n?: number } } | null)?.payload?.n;
const from = (name: string, verb: string, arg?: string) => (f: RecordedFrame) =>
  f.name === name && f.verb === verb && (arg === undefined || f.arg === arg);
const HEX32 = /^[0-9a-f]{32}$/;

describe('DECNET unix-socket bus client against a protocol server', () => {
  let dir: string;
  let sock: string;
  let server: DecnetBusServer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbus-'));
    sock = join(dir, 'bus.sock');
    server = await DecnetBusServer.start(sock);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const make = (over: Partial<DecnetUnixBusOptions> = {}): DecnetUnixBus => {
    const b = createDecnetUnixBus({
      socketPath: sock,
      logger: recordingLogger().logger,
      retryBaseMs: 20,
      retryMaxMs: 200,
      random: () => 0.5,
      ...over,
    });
    cleanups.push(() => b.close());
    return b;
  };
  const peer = async (name: string, patterns: string[] = []): Promise<RawBusClient> => {
    const since = server.frames.length;
    const p = await rawBusClient(sock, name, patterns);
    cleanups.push(() => p.close());
    for (const pattern of patterns) await server.waitFor(from(name, 'SUB', pattern), since);
    if (patterns.length === 0) await server.waitFor(from(name, 'HELLO'), since);
    return p;
  };

  it('says HELLO orchestrator and publishes our type and payload; another connection gets an EVT the server stamped anew', async () => {
    const bus = make();
    await bus.whenConnected();
    const api = await peer('api', ['orchestrator.>']);
    const payload = { kind: 'traffic', success: true, payload: { dst_port: 22 } };
    bus.publish('orchestrator.traffic.local:web02', 'traffic', payload);
    const evt = await api.nextEvent();
    const pub = await server.waitFor(from('orchestrator', 'PUB'));
    expect(server.frames[0]).toMatchObject({ verb: 'HELLO', arg: 'orchestrator', body: null });
    expect(pub).toMatchObject({
      arg: 'orchestrator.traffic.local:web02',
      body: {
        v: 1,
        id: expect.stringMatching(HEX32),
        topic: 'orchestrator.traffic.local:web02',
        type: 'traffic',
        ts: expect.any(Number),
        payload,
      },
    });
    expect(evt).toEqual({
      verb: 'EVT',
      arg: 'orchestrator.traffic.local:web02',
      body: {
        v: 1,
        id: expect.stringMatching(HEX32),
        topic: 'orchestrator.traffic.local:web02',
        type: 'traffic',
        ts: expect.any(Number),
        payload,
      },
    });
    expect((evt.body as { id: string }).id).not.toBe((pub.body as { id: string }).id);
    expect(Math.abs((pub.body as { ts: number }).ts * 1000 - Date.now())).toBeLessThan(5000);
    expect(bus.stats()).toEqual({
      backend: 'decnet-unix',
      connected: true,
      published: 1,
      failed: 0,
      dropped: 0,
      received: 0,
      rejected: 0,
      reconnects: 0,
      queued: 0,
    });
  });

  it('delivers what other connections publish to wildcard subscribers, with the ts as ISO, and stops after unsubscribe', async () => {
    const bus = make({ clientName: 'orchestrator-probe' });
    const control = collector();
    const smtp = collector();
    bus.subscribe('system.*.control', control.push);
    const off = bus.subscribe('smtp.>', smtp.push);
    await server.waitFor(from('orchestrator-probe', 'SUB', 'smtp.>'));
    const ingester = await peer('ingester');
    ingester.send('PUB', 'smtp.probe.pending', {
      v: 1,
      id: 'sender-id',
      topic: 'smtp.probe.pending',
      type: 'smtp',
      ts: 1,
      payload: { decky: 'mail01', rcpt_to: 'a@x,b@x' },
    });
    ingester.send('PUB', 'system.orchestrator.health', { type: 'health', payload: { worker: 'orchestrator' } });
    ingester.send('PUB', 'system.orchestrator.control', { type: 'control', payload: { action: 'stop', requested_by: 'api' } });
    await control.next(1);
    expect(smtp.items).toHaveLength(1);
    const [probe] = smtp.items;
    expect(probe).toEqual({
      v: 1,
      id: expect.stringMatching(HEX32),
      topic: 'smtp.probe.pending',
      type: 'smtp',
      ts: expect.stringMatching(/Z$/),
      payload: { decky: 'mail01', rcpt_to: 'a@x,b@x' },
    });
    expect(probe?.id).not.toBe('sender-id');
    expect(Math.abs(Date.parse(probe!.ts) - Date.now())).toBeLessThan(5000);
    expect(control.items[0]).toMatchObject({
      topic: 'system.orchestrator.control',
      type: 'control',
      payload: { action: 'stop', requested_by: 'api' },
    });

    off();
    await server.waitFor(from('orchestrator-probe', 'UNSUB', 'smtp.>'));
    ingester.send('PUB', 'smtp.probe.pending', { type: 'smtp', payload: { decky: 'mail02' } });
    ingester.send('PUB', 'system.emailgen.control', { type: 'control', payload: { action: 'stop' } });
    await control.next(2);
    expect(smtp.items).toHaveLength(1);
    expect(bus.stats()).toMatchObject({ received: 3, rejected: 0 });
  });

  it('delivers its own publishes to local subscribers once; the server does not echo them back', async () => {
    const bus = make();
    const seen = collector();
    bus.subscribe('orchestrator.>', seen.push);
    await server.waitFor(from('orchestrator', 'SUB', 'orchestrator.>'));
    bus.publish('orchestrator.file.local:web01', 'file', { from: 'us' });
    const api = await peer('api');
    api.send('PUB', 'orchestrator.file.local:web01', { type: 'file', payload: { from: 'api' } });
    await seen.next(2);
    expect(seen.items.map((e) => e.payload.from)).toEqual(['us', 'api']);
    expect(bus.stats()).toMatchObject({ published: 1, received: 1 });
  });

  it('reconnects after the server restarts: says HELLO, re-subscribes, and sends the bounded queue of what was published while down', async () => {
    const { logger, lines } = recordingLogger();
    const bus = make({ logger, queueMax: 3 });
    const control = collector();
    bus.subscribe('system.*.control', control.push);
    await server.waitFor(from('orchestrator', 'SUB'));
    await server.stop();
    await until(() => !bus.stats().connected);
    for (let n = 1; n <= 5; n++) expect(() => bus.publish('orchestrator.file.local:web01', 'file', { n })).not.toThrow();
    expect(bus.stats()).toMatchObject({ connected: false, published: 0, failed: 2, dropped: 2, queued: 3 });

    const mark = server.frames.length;
    await server.listen();
    await bus.whenConnected();
    await server.waitFor((f) => payloadN(f) === 5, mark);
    expect(server.frames.slice(mark).map((f) => [f.verb, f.arg, payloadN(f)])).toEqual([
      ['HELLO', 'orchestrator', undefined],
      ['SUB', 'system.*.control', undefined],
      ['PUB', 'orchestrator.file.local:web01', 3],
      ['PUB', 'orchestrator.file.local:web01', 4],
      ['PUB', 'orchestrator.file.local:web01', 5],
    ]);
    expect(bus.stats()).toMatchObject({ connected: true, published: 3, failed: 2, dropped: 2, queued: 0, reconnects: 1 });

    const api = await peer('api', ['orchestrator.>']);
    api.send('PUB', 'system.orchestrator.control', { type: 'control', payload: { action: 'stop' } });
    await control.next(1);
    bus.publish('orchestrator.file.local:web01', 'file', { n: 6 });
    expect((await api.nextEvent()).body).toMatchObject({ payload: { n: 6 } });
    expect(lines.filter((l) => l.msg === 'bus connection to DECNET closed; reconnecting')).toHaveLength(1);
    // one warning per window, not one per dropped publish
    expect(lines.filter((l) => l.msg === 'bus publish failed; dropped')).toHaveLength(1);
  });

  it('starts before the server exists, holds what it publishes, and sends it once the server appears', async () => {
    await server.stop();
    const bus = make();
    bus.publish('system.orchestrator.health', 'health', { worker: 'orchestrator', ts: 1 });
    expect(bus.stats()).toMatchObject({ connected: false, queued: 1, failed: 0 });
    await server.listen();
    await bus.whenConnected();
    const pub = await server.waitFor(from('orchestrator', 'PUB'));
    expect(pub).toMatchObject({ arg: 'system.orchestrator.health', body: { type: 'health', payload: { worker: 'orchestrator', ts: 1 } } });
    expect(bus.stats()).toMatchObject({ connected: true, published: 1, reconnects: 0 });
  });

  const malformed: [MalformedKind, string][] = [
    ['oversized-length', 'body-too-large'],
    ['long-header', 'header-too-long'],
    ['bad-json', 'bad-json'],
    ['not-object', 'not-object'],
    ['unknown-verb', 'unknown-verb'],
    ['stall', 'stalled-mid-frame'],
  ];
  it.each(
    malformed,
  )('on a malformed frame (%s) warns once naming %s, drops the connection and comes back working', async (kind, problem) => {
    const { logger, lines } = recordingLogger();
    const bus = make({ logger, stallMs: 300 });
    const control = collector();
    bus.subscribe('system.*.control', control.push);
    await server.waitFor(from('orchestrator', 'SUB'));
    const mark = server.frames.length;
    // sent twice where it can be: nothing after the first bad byte is read
    server.inject(kind, 'orchestrator', kind !== 'stall');
    await server.waitFor(from('orchestrator', 'SUB'), mark);
    const warns = lines.filter((l) => l.level === 'warn' && l.msg === 'malformed frame from the DECNET bus; reconnecting');
    expect(warns).toEqual([expect.objectContaining({ obj: { problem, sample: expect.any(String) } })]);
    expect(String(warns[0]?.obj.sample).length).toBeLessThanOrEqual(48);
    expect(bus.stats()).toMatchObject({ rejected: 1, received: 0, reconnects: 1 });

    const api = await peer('api');
    api.send('PUB', 'system.orchestrator.control', { type: 'control', payload: { action: 'stop' } });
    await control.next(1);
    expect(bus.stats()).toMatchObject({ connected: true, received: 1 });
  });

  it('skips an event whose payload is not an object (DECNET passes it through) and keeps the connection', async () => {
    const { logger, lines } = recordingLogger();
    const bus = make({ logger });
    const control = collector();
    bus.subscribe('system.*.control', control.push);
    await server.waitFor(from('orchestrator', 'SUB'));
    const api = await peer('api');
    api.send('PUB', 'system.orchestrator.control', { type: 'control', payload: [1, 2] });
    api.send('PUB', 'system.orchestrator.control', { type: 'control', payload: 'stop' });
    api.send('PUB', 'system.orchestrator.control', { type: 'control', payload: { action: 'stop' } });
    await control.next(1);
    expect(control.items.map((e) => e.payload)).toEqual([{ action: 'stop' }]);
    expect(bus.stats()).toMatchObject({ received: 1, rejected: 2, reconnects: 0 });
    // one warning per connection, however many such events arrive
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('close() sends what is queued, says BYE and ends; later publishes are counted, never thrown', async () => {
    const bus = make();
    await bus.whenConnected();
    bus.publish('system.orchestrator.health', 'health', { worker: 'orchestrator' });
    await bus.close();
    await server.waitFor(from('orchestrator', 'BYE'));
    expect(server.frames.map((f) => f.verb)).toEqual(['HELLO', 'PUB', 'BYE']);
    expect(() => bus.publish('system.orchestrator.health', 'health', {})).not.toThrow();
    expect(bus.stats()).toMatchObject({ connected: false, published: 1, failed: 1 });
    await until(() => server.connectionNames().length === 0);
  });

  it('closes at once when it never reached a server, and refuses bad patterns and topics the way the other buses do', async () => {
    await server.stop();
    const bus = make();
    expect(() => bus.subscribe('orchestrator.>.x', () => {})).toThrow(BusPatternError);
    expect(() => bus.subscribe('caf\u00e9.>', () => {})).toThrow(BusPatternError);
    expect(() => bus.publish('orchestrator.file.a.b', 'file', {})).not.toThrow();
    bus.publish('orchestrator.file.ok', 'file', {});
    const started = Date.now();
    await bus.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(bus.stats()).toMatchObject({ connected: false, published: 0, failed: 1, queued: 0 });
  });
});
