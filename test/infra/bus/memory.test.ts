import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { BusPatternError, createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';

function recordingLogger() {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

const fixed = { now: () => new Date('2025-03-01T12:00:00.000Z'), newId: () => 'id-1' };

describe('memory bus', () => {
  it('delivers the SPEC §5 envelope to matching subscribers only', () => {
    const { logger } = recordingLogger();
    const bus = createMemoryBus({ logger, ...fixed });
    const files: Envelope[] = [];
    const all: Envelope[] = [];
    const health: Envelope[] = [];
    bus.subscribe('orchestrator.file.*', (e) => files.push(e));
    bus.subscribe('orchestrator.>', (e) => all.push(e));
    bus.subscribe('system.*.health', (e) => health.push(e));
    bus.publish('orchestrator.file.local:web01', 'file.planted', { path: '/tmp/x' });
    bus.publish('orchestrator.traffic.local:web01', 'traffic.sent', {});
    expect(files).toEqual([
      {
        v: 1,
        id: 'id-1',
        topic: 'orchestrator.file.local:web01',
        type: 'file.planted',
        ts: '2025-03-01T12:00:00.000Z',
        payload: { path: '/tmp/x' },
      },
    ]);
    expect(all.map((e) => e.type)).toEqual(['file.planted', 'traffic.sent']);
    expect(health).toEqual([]);
  });

  it('builds one envelope per publish for all its subscribers, and none when nobody listens', () => {
    const { logger, lines } = recordingLogger();
    let ids = 0;
    const bus = createMemoryBus({ logger, now: fixed.now, newId: () => `id-${++ids}` });
    bus.publish('orchestrator.file.local:web01', 'file.planted', {});
    expect(ids).toBe(0);
    const a: Envelope[] = [];
    const b: Envelope[] = [];
    bus.subscribe('orchestrator.file.*', (e) => a.push(e));
    bus.subscribe('orchestrator.>', (e) => b.push(e));
    bus.publish('orchestrator.traffic.local:web01', 'traffic.sent', {});
    bus.publish('orchestrator.file.local:web01', 'file.planted', {});
    expect(ids).toBe(2);
    expect(b.map((e) => e.id)).toEqual(['id-1', 'id-2']);
    expect(a).toHaveLength(1);
    expect(a[0]).toBe(b[1]);
    // a bad topic is still refused when nobody listens
    bus.publish('orchestrator.file.bad topic', 'file.planted', {});
    expect(lines.map((l) => l.msg)).toEqual(['bus publish dropped: invalid topic']);
  });

  it('logs and drops a publish on an invalid topic, without throwing or delivering', () => {
    const { logger, lines } = recordingLogger();
    const bus = createMemoryBus({ logger });
    const got: Envelope[] = [];
    bus.subscribe('>', (e) => got.push(e));
    for (const topic of ['orchestrator.file.a.b', 'orchestrator.file.*', 'orchestrator.file.a b', 'orchestrator..x', '']) {
      expect(() => bus.publish(topic, 'file.planted', {})).not.toThrow();
    }
    expect(got).toEqual([]);
    expect(lines.filter((l) => l.level === 'warn' && l.msg === 'bus publish dropped: invalid topic')).toHaveLength(5);
  });

  it('catches and logs a throwing subscriber, and still delivers to the others', () => {
    const { logger, lines } = recordingLogger();
    const bus = createMemoryBus({ logger });
    const got: string[] = [];
    bus.subscribe('a.b', () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe('a.b', (e) => got.push(e.type));
    expect(() => bus.publish('a.b', 't', {})).not.toThrow();
    expect(got).toEqual(['t']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'bus subscriber threw' }));
  });

  it('stops delivering after unsubscribe, even when a handler unsubscribes during delivery', () => {
    const { logger } = recordingLogger();
    const bus = createMemoryBus({ logger });
    const got: string[] = [];
    const off = bus.subscribe('a.*', (e) => {
      got.push(e.topic);
      off();
    });
    bus.publish('a.x', 't', {});
    bus.publish('a.y', 't', {});
    expect(got).toEqual(['a.x']);
  });

  it('refuses a malformed subscription pattern loudly (a programming error)', () => {
    const { logger } = recordingLogger();
    const bus = createMemoryBus({ logger });
    expect(() => bus.subscribe('a.>.b', () => {})).toThrow(BusPatternError);
    expect(() => bus.subscribe('', () => {})).toThrow(BusPatternError);
  });
});
