import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventWriter, eventType } from '../../src/actors/event-writer.js';
import type { Envelope } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { type Logger, silentLogger } from '../../src/infra/log/logger.port.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { FakeEventStore } from '../fakes/fake-event-store.js';

const row = (over: Partial<OrchestratorEvent> = {}): OrchestratorEvent => ({
  uuid: randomUUID(),
  ts: new Date('2025-01-01T00:00:00Z'),
  kind: 'file',
  protocol: 'ssh',
  action: 'file:create',
  srcDeckyUuid: null,
  dstDeckyUuid: 'local:web01',
  success: true,
  payload: {},
  ...over,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig(opts: { flushMs?: number; maxBatch?: number; maxBuffer?: number } = {}) {
  const store = new FakeEventStore();
  const logs: { level: string; msg?: string; obj: unknown }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    logs.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  const bus = createMemoryBus({ logger: silentLogger });
  const published: Envelope[] = [];
  bus.subscribe('orchestrator.>', (e) => published.push(e));
  const writer = createEventWriter({ events: store, bus, logger, retryBaseMs: 5, retryMaxMs: 20, flushMs: 10, ...opts });
  return { store, logs, published, writer };
}

describe('event writer', () => {
  it('batches rows written close together into one transaction', async () => {
    const { store, writer } = rig({ flushMs: 20 });
    for (let i = 0; i < 5; i += 1) writer.write(row());
    expect(store.attempts).toBe(0);
    await sleep(60);
    expect(store.batches.map((b) => b.length)).toEqual([5]);
  });

  it('writes at once when a batch is full, and splits larger bursts', async () => {
    const { store, writer } = rig({ flushMs: 10_000, maxBatch: 3 });
    for (let i = 0; i < 7; i += 1) writer.write(row());
    await writer.flush();
    expect(store.batches.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('publishes each row on its topic only after its batch committed', async () => {
    const { store, writer, published } = rig();
    const release = store.hold();
    const traffic = row({ kind: 'traffic', srcDeckyUuid: 'local:a', dstDeckyUuid: 'local:b', action: 'exec:tcp_connect:22' });
    const failedFile = row({ success: false });
    writer.write(traffic);
    writer.write(failedFile);
    await sleep(30);
    expect(published).toEqual([]);
    release();
    await writer.flush();
    expect(published.map((e) => [e.topic, e.type, e.payload.uuid])).toEqual([
      ['orchestrator.traffic.local:b', 'traffic.sent', traffic.uuid],
      ['orchestrator.file.local:web01', 'file.failed', failedFile.uuid],
    ]);
    expect(published[0]!.payload).toMatchObject({
      kind: 'traffic',
      success: true,
      srcDeckyUuid: 'local:a',
      ts: '2025-01-01T00:00:00.000Z',
    });
  });

  it('names facts in past tense by kind and outcome', () => {
    expect(eventType({ kind: 'traffic', success: true })).toBe('traffic.sent');
    expect(eventType({ kind: 'traffic', success: false })).toBe('traffic.failed');
    expect(eventType({ kind: 'file', success: true })).toBe('file.planted');
    expect(eventType({ kind: 'file', success: false })).toBe('file.failed');
  });

  it('on store errors logs once, keeps the rows, retries with backoff and loses nothing', async () => {
    const { store, writer, logs, published } = rig();
    store.failNext(4);
    const rows = [row(), row(), row()];
    for (const r of rows) writer.write(r);
    await sleep(200);
    expect(store.attempts).toBeGreaterThanOrEqual(5);
    expect(store.rows.map((r) => r.uuid)).toEqual(rows.map((r) => r.uuid));
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(logs.find((l) => l.level === 'error')?.msg).toMatch(/write failed; keeping rows and retrying/);
    expect(logs.some((l) => l.level === 'info' && l.msg === 'event store writes recovered')).toBe(true);
    expect(published).toHaveLength(3);
    expect(writer.stats()).toMatchObject({ written: 3, buffered: 0, dropped: 0, failing: false });
  });

  it('bounds the buffer while the store is down, dropping the oldest rows and counting them', async () => {
    const { store, writer } = rig({ maxBuffer: 4, maxBatch: 2 });
    store.failNext(1000);
    const rows = Array.from({ length: 10 }, () => row());
    for (const r of rows) writer.write(r);
    await sleep(30);
    expect(writer.stats().buffered).toBeLessThanOrEqual(4);
    expect(writer.stats().dropped).toBe(6);
    expect(writer.stats().failing).toBe(true);
  });

  it('flush() gives up after its bound when the store stays down, saying how many rows are lost', async () => {
    const { store, writer, logs } = rig();
    store.failNext(1000);
    writer.write(row());
    const started = Date.now();
    await writer.flush(80);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'event store unavailable at flush: rows not written', obj: { lost: 1 } }),
    );
  });

  it('after close(), refuses new rows and counts them as dropped', async () => {
    const { store, writer } = rig();
    writer.write(row());
    await writer.close();
    writer.write(row());
    await sleep(30);
    expect(store.rows).toHaveLength(1);
    expect(writer.stats().dropped).toBe(1);
  });
});
