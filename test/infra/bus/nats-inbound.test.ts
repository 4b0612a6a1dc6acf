import { connect, type NatsConnection, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createNatsBus, type NatsBus } from '../../../src/infra/bus/impl/nats.js';
import { MAX_SYSTEM_BYTES } from '../../../src/infra/bus/inbound.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { collectMetricsFromBus, EXTRA_LABEL_VALUES } from '../../../src/surfaces/metrics/bus-metrics.js';
import { createOrchestratorMetrics } from '../../../src/surfaces/metrics/orchestrator-metrics.js';
import { createMetricsRegistry } from '../../../src/surfaces/metrics/registry.js';
import { NatsServer, requireNatsOrSkip } from '../../support/nats-server.js';

const sc = StringCodec();
const until = async (cond: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
};

describe.runIf(requireNatsOrSkip())('forged NATS traffic against a real nats-server', () => {
  let server: NatsServer;
  let bus: NatsBus;
  let attacker: NatsConnection;
  beforeAll(async () => {
    server = await NatsServer.start();
    bus = createNatsBus({ url: server.url, logger: silentLogger });
    await bus.whenConnected();
    attacker = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await attacker.close();
    await bus.close();
    await server.dispose();
  });

  const send = async (subject: string, body: unknown) => {
    attacker.publish(subject, sc.encode(typeof body === 'string' ? body : JSON.stringify(body)));
    await attacker.flush();
  };

  it('rejects and counts malformed heartbeats, control messages and events; subscribers see only the valid ones', async () => {
    const seen: Envelope[] = [];
    const off = [bus.subscribe('system.>', (e) => seen.push(e)), bus.subscribe('orchestrator.>', (e) => seen.push(e))];
    await new Promise((r) => setTimeout(r, 100));
    const before = bus.stats();
    await send('system.orchestrator.health', { worker: 'orchestrator', pad: 'x'.repeat(MAX_SYSTEM_BYTES) });
    await send('system.orchestrator.health', { worker: 'emailgen', ts: 'now' });
    await send('system.Orchestrator.health', { worker: 'Orchestrator' });
    await send('system.orchestrator.bogus', { action: 'stop' });
    await send('system.orchestrator.control', { action: { nested: 'stop' } });
    await send('orchestrator.file.local:web01', { pad: 'y'.repeat(300 * 1024) });
    await send('orchestrator.file.local:web01', '[1,2,3]');
    await send('system.orchestrator.health', { worker: 'orchestrator', ts: '2025-01-01T00:00:00Z' });
    await send('orchestrator.file.local:web01', { success: true });
    await until(() => bus.stats().received - before.received === 2);
    await until(() => bus.stats().rejected - before.rejected === 7);
    expect(seen.map((e) => e.topic)).toEqual(['system.orchestrator.health', 'orchestrator.file.local:web01']);
    for (const o of off) o();
  });

  it('keeps the metrics bounded when heartbeats arrive under a thousand worker names', async () => {
    const registry = createMetricsRegistry();
    const stop = collectMetricsFromBus(bus, createOrchestratorMetrics(registry));
    await new Promise((r) => setTimeout(r, 100));
    const before = bus.stats().received;
    for (let i = 0; i < 1000; i++)
      attacker.publish(`system.w${i}.health`, sc.encode(JSON.stringify({ worker: `w${i}`, actors: { [`t${i}`]: i } })));
    await attacker.flush();
    await until(() => bus.stats().received - before === 1000);
    const text = registry.render();
    const workers = new Set([...text.matchAll(/decnet_actors\{worker="([^"]+)"/g)].map((m) => m[1]));
    expect(workers.size).toBe(EXTRA_LABEL_VALUES.worker + 1);
    expect(workers.has('other')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('decnet_actors{')).length).toBeLessThanOrEqual(
      (EXTRA_LABEL_VALUES.worker + 1) * (EXTRA_LABEL_VALUES.type + 1),
    );
    expect(text).toContain(`decnet_metric_label_overflow_total{label="worker"} ${1000 - EXTRA_LABEL_VALUES.worker}`);
    stop();
  });
});
