import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { collectMetricsFromBus } from '../../../src/surfaces/metrics/bus-metrics.js';
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
    bus.publish('system.emailgen.health', 'heartbeat', { worker: 'emailgen', llm: { backend: 'ollama', breaker: 'half-open' }, actors: { persona: 3, supervisor: 1 } });
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

  it('stops counting once unsubscribed', () => {
    const { registry, bus, stop } = setup();
    stop();
    bus.publish('orchestrator.traffic.x', 'traffic.sent', { success: true });
    expect(registry.render()).not.toContain('decnet_actions_total{');
  });
});
