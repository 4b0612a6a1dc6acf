import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventWriter } from '../../src/actors/event-writer.js';
import type { Envelope } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { FakeEventStore } from '../fakes/fake-event-store.js';

const row = (i: number): OrchestratorEvent => ({
  uuid: randomUUID(),
  ts: new Date('2025-01-01T00:00:00Z'),
  kind: i % 2 === 0 ? 'traffic' : 'file',
  protocol: 'ssh',
  action: 'exec:tcp_connect:22',
  srcDeckyUuid: null,
  dstDeckyUuid: `local:d${i % 3}`,
  success: true,
  payload: { i },
});

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rig(opts: { flushMs: number; maxBatch: number }) {
  const store = new FakeEventStore();
  const bus = createMemoryBus({ logger: silentLogger });
  const published: Envelope[] = [];
  // a published row the store does not hold yet would break SPEC §5's promise
  const early: unknown[] = [];
  bus.subscribe('orchestrator.>', (e) => {
    if (!store.rows.some((r) => r.uuid === e.payload.uuid)) early.push(e.payload.uuid);
    published.push(e);
  });
  const writer = createEventWriter({ events: store, bus, logger: silentLogger, retryBaseMs: 5, retryMaxMs: 20, ...opts });
  return { store, writer, published, early };
}

describe('event writer › under a sustained burst', () => {
  it('writes a batch as soon as it is full, without waiting out the timer its first row armed', async () => {
    const { store, writer } = rig({ flushMs: 60_000, maxBatch: 3 });
    writer.write(row(0));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.attempts).toBe(0);
    writer.write(row(1));
    writer.write(row(2));
    await until(() => store.batches.length === 1);
    expect(store.batches[0]).toHaveLength(3);
    await writer.close();
  });

  it('commits full batches back to back and publishes every row once, after its commit, in write order', async () => {
    const { store, writer, published, early } = rig({ flushMs: 60_000, maxBatch: 4 });
    const rows = Array.from({ length: 22 }, (_, i) => row(i));
    for (const r of rows) writer.write(r);
    // the full batches go without flush(); only the tail of 2 waits for it
    await until(() => store.batches.length === 5);
    await writer.flush();
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 2]);
    expect(store.rows.map((r) => r.uuid)).toEqual(rows.map((r) => r.uuid));
    expect(published.map((e) => e.payload.uuid)).toEqual(rows.map((r) => r.uuid));
    expect(early).toEqual([]);
    expect(writer.stats()).toMatchObject({ written: 22, buffered: 0, dropped: 0, failing: false });
  });

  it('after a failed batch, retries it first and keeps write order and publish-after-commit', async () => {
    const { store, writer, published, early } = rig({ flushMs: 60_000, maxBatch: 3 });
    store.failNext(2);
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    for (const r of rows) writer.write(r);
    await writer.flush();
    expect(store.attempts).toBeGreaterThanOrEqual(6);
    expect(store.rows.map((r) => r.uuid)).toEqual(rows.map((r) => r.uuid));
    expect(published.map((e) => e.payload.uuid)).toEqual(rows.map((r) => r.uuid));
    expect(early).toEqual([]);
  });
});
