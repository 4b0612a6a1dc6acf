import type { BusPort, Envelope } from '../../infra/bus/bus.port.js';
import { BREAKER_STATES, type BreakerState, type OrchestratorMetrics } from './orchestrator-metrics.js';

const KIND = /^[a-z][a-z0-9_-]{0,31}$/;
const ACTOR_TYPE = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Feeds the metrics from what the workers already publish, so machines need no metrics code:
 * `orchestrator.<kind>.*` → actions (payload `success`), exec latency (payload `exec_ms`),
 * LLM latency (payload `generation_ms` on email events); `system.*.health` → breaker state
 * (payload `breaker` or `llm.breaker`) and actor counts (payload `actors: {type: n}`).
 * Returns the unsubscribe.
 */
export function collectMetricsFromBus(bus: BusPort, metrics: OrchestratorMetrics): () => void {
  const offActions = bus.subscribe('orchestrator.>', (e) => countAction(e, metrics));
  const offHealth = bus.subscribe('system.*.health', (e) => readHeartbeat(e, metrics));
  return () => {
    offActions();
    offHealth();
  };
}

function countAction(e: Envelope, m: OrchestratorMetrics): void {
  const kind = e.topic.split('.')[1] ?? '';
  if (!KIND.test(kind)) return;
  const p = e.payload;
  const ok = p.success === true || (p.success === undefined && p.rc === 0);
  m.actions.inc({ kind, result: ok ? 'success' : 'failure' });
  const execMs = p.exec_ms;
  if (typeof execMs === 'number' && Number.isFinite(execMs) && execMs >= 0) {
    m.execLatency.observe({ kind }, execMs / 1000);
  }
  const genMs = p.generation_ms;
  if (kind === 'email' && typeof genMs === 'number' && Number.isFinite(genMs) && genMs >= 0) {
    // a failure at the llm stage is an LLM failure; later stages mean the LLM answered
    m.llmLatency.observe({ result: p.stage === 'llm' ? 'failure' : 'success' }, genMs / 1000);
  }
}

function readHeartbeat(e: Envelope, m: OrchestratorMetrics): void {
  const worker = e.topic.split('.')[1] ?? '';
  if (!KIND.test(worker)) return;
  const p = e.payload;
  const llm = p.llm && typeof p.llm === 'object' ? (p.llm as Record<string, unknown>) : {};
  const breaker = normaliseBreaker(p.breaker ?? llm.breaker);
  if (breaker) m.setBreakerState(breaker);
  const actors = p.actors;
  if (actors && typeof actors === 'object' && !Array.isArray(actors)) {
    for (const [type, n] of Object.entries(actors as Record<string, unknown>)) {
      if (ACTOR_TYPE.test(type) && typeof n === 'number' && Number.isFinite(n)) m.actors.set({ worker, type }, n);
    }
  }
}

function normaliseBreaker(v: unknown): BreakerState | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase().replace(/[-\s]/g, '_');
  return (BREAKER_STATES as readonly string[]).includes(s) ? (s as BreakerState) : undefined;
}
