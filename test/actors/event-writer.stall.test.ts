import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventWriter } from '../../src/actors/event-writer.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { type Logger, silentLogger } from '../../src/infra/log/logger.port.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { FakeEventStore } from '../fakes/fake-event-store.js';

const row = (): OrchestratorEvent => ({
  uuid: randomUUID(),
  ts: new Date('2025-01-01T00:00:00Z'),
  kind: 'file',
  protocol: 'ssh',
  action: 'file:create',
  srcDeckyUuid: null,
  dstDeckyUuid: 'local:web01',
  success: true,
  payload: {},
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rig() {
  const store = new FakeEventStore();
  const logs: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    logs.push({ level, obj: obj as Record<string, unknown>, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  const writer = createEventWriter({ events: store, bus: createMemoryBus({ logger: silentLogger }), logger, flushMs: 5, slowMs: 50 });
  return { store, logs, writer };
}

describe('event writer › when a commit waits on another process’s lock', () => {
  it('says so once after slowMs, keeps taking rows, and writes them all once the lock is gone', async () => {
    const { store, logs, writer } = rig();
    const release = store.hold();
    writer.write(row());
    await sleep(20);
    for (let i = 0; i < 5; i += 1) writer.write(row());
    await sleep(150);
    const stalled = logs.filter((l) => l.msg === 'event store write stalled (database locked or busy?); rows kept in memory');
    expect(stalled).toHaveLength(1);
    expect(stalled[0]).toMatchObject({ level: 'warn', obj: { rows: 1, buffered: 5 } });
    expect(writer.stats()).toMatchObject({ buffered: 5, written: 0 });
    release();
    await writer.flush(1_000);
    expect(store.rows).toHaveLength(6);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'event store writes recovered' }));
  });

  it('still ends flush() within its bound, naming the rows it could not write', async () => {
    const { store, logs, writer } = rig();
    store.hold();
    for (let i = 0; i < 3; i += 1) writer.write(row());
    await sleep(20);
    writer.write(row());
    const t0 = Date.now();
    await writer.close(200);
    expect(Date.now() - t0).toBeLessThan(400);
    expect(logs).toContainEqual({ level: 'error', msg: 'event store unavailable at flush: rows not written', obj: { lost: 4 } });
  });
});
