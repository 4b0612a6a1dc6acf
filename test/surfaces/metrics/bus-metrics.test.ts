import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { collectMetricsFromBus, EXTRA_LABEL_VALUES } from '../../../src/surfaces/metrics/bus-metrics.js';
import { createOrchestratorMetrics } from '../../../src/surfaces/metrics/orchestrator-metrics.js';
import { createMetricsRegistry } from '../../../src/surfaces/metrics/registry.js';

function setup() {
  const registry = createMetricsRegistry();
  const metrics = createOrchestratorMetrics(registry);
  const bus = createMemoryBus({ logger: silentLogger });
  const stop = collectMetricsFromBus(bus, metrics);
  return { registry, bus, stop };
}

describe('collectMetricsFromBus', () => {
  it('counts actions by kind and result and observes exec latency', () => {
    const { registry, bus } = setup();
    bus.publish('orchestrator.traffic.local:db01', 'traffic.sent', { success: true, exec_ms: 40 });
    bus.publish('orchestrator.traffic.local:db01', 'traffic.sent', { success: false, exec_ms: 8000 });
    bus.publish('orchestrator.file.local:db01', 'file.planted', { rc: 0 });
    const text = registry.render();
    expect(text).toContain('decnet_actions_total{kind="traffic",result="success"} 1');
    expect(text).toContain('decnet_actions_total{kind="traffic",result="failure"} 1');
    expect(text).toContain('decnet_actions_total{kind="file",result="success"} 1');
    expect(text).toContain('decnet_exec_duration_seconds_bucket{kind="traffic",le="0.05"} 1');
    expect(text).toContain('decnet_exec_duration_seconds_bucket{kind="traffic",le="8"} 2');
    expect(text).toContain('decnet_exec_duration_seconds_count{kind="traffic"} 2');
  });

  it('observes LLM latency from email events and reads breaker state and actor counts from heartbeats', () => {
    const { registry, bus } = setup();
    bus.publish('orchestrator.email.local:mail01', 'email.delivered', { success: true, stage: 'delivered', generation_ms: 1500 });
    bus.publish('orchestrator.email.local:mail01', 'email.failed', { success: false, stage: 'llm', generation_ms: 60000 });
    bus.publish('system.emailgen.health', 'heartbeat', {
      worker: 'emailgen',
      llm: { backend: 'ollama', breaker: 'half-open' },
      actors: { persona: 3, supervisor: 1 },
    });
    bus.publish('system.orchestrator.health', 'heartbeat', { worker: 'orchestrator', actors: { decky: 12, 'bad type': 1 } });
    const text = registry.render();
    expect(text).toContain('decnet_llm_duration_seconds_bucket{result="success",le="2"} 1');
    expect(text).toContain('decnet_llm_duration_seconds_count{result="failure"} 1');
    expect(text).toContain('decnet_llm_breaker_state{state="half_open"} 1');
    expect(text).toContain('decnet_llm_breaker_state{state="open"} 0');
    expect(text).toContain('decnet_actors{worker="emailgen",type="persona"} 3');
    expect(text).toContain('decnet_actors{worker="orchestrator",type="decky"} 12');
    expect(text).not.toContain('bad type');
  });

  it('folds kinds, workers and actor types past their bound into one "other" series and counts them', () => {
    const { registry, bus } = setup();
    for (let i = 0; i < 50; i++) bus.publish(`orchestrator.k${i}.local:db01`, 'x', { success: true });
    bus.publish('orchestrator.traffic.local:db01', 'traffic.sent', { success: true });
    for (let i = 0; i < 50; i++) bus.publish(`system.w${i}.health`, 'worker.health', { actors: { decky: 1 } });
    bus.publish('system.orchestrator.health', 'worker.health', {
      actors: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`t${i}`, i])),
    });
    const text = registry.render();
    const kinds = new Set([...text.matchAll(/decnet_actions_total\{kind="([^"]+)"/g)].map((m) => m[1]));
    expect(kinds).toEqual(new Set(['traffic', 'other', ...Array.from({ length: EXTRA_LABEL_VALUES.kind }, (_, i) => `k${i}`)]));
    expect(text).toContain(`decnet_actions_total{kind="other",result="success"} ${50 - EXTRA_LABEL_VALUES.kind}`);
    expect(text).toContain(`decnet_metric_label_overflow_total{label="kind"} ${50 - EXTRA_LABEL_VALUES.kind}`);
    expect(text).toContain(`decnet_metric_label_overflow_total{label="worker"} ${50 - EXTRA_LABEL_VALUES.worker}`);
    expect(text).toContain(`decnet_metric_label_overflow_total{label="type"} ${100 - EXTRA_LABEL_VALUES.type}`);
    // the known worker keeps its own series however many strangers came first
    expect(text).toContain('decnet_actors{worker="orchestrator",type="t0"} 0');
    expect(text).toContain('decnet_actors{worker="orchestrator",type="other"}');
  });

  it('stops counting once unsubscribed', () => {
    const { registry, bus, stop } = setup();
    stop();
    bus.publish('orchestrator.traffic.x', 'traffic.sent', { success: true });
    expect(registry.render()).not.toContain('decnet_actions_total{');
  });
});
