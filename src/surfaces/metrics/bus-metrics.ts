import type { BusPort, Envelope } from '../../infra/bus/bus.port.js';
import { createLabelBound } from './label-bound.js';
import { BREAKER_STATES, type BreakerState, type OrchestratorMetrics } from './orchestrator-metrics.js';

const KIND = /^[a-z][a-z0-9_-]{0,31}$/;
const ACTOR_TYPE = /^[a-z][a-z0-9_-]{0,31}$/;

// SPEC §5's kinds and workers always have their own series; a few unknown ones are shown as they
// come (a new worker, a new kind), and everything past that is one `other` series.
const KNOWN_KINDS = ['traffic', 'file', 'email'];
const KNOWN_WORKERS = ['orchestrator', 'emailgen'];
const KNOWN_ACTOR_TYPES = ['decky', 'persona', 'supervisor'];
/** Unknown values of each label kept as their own series before folding into `other`. */
export const EXTRA_LABEL_VALUES = { kind: 8, worker: 8, type: 24 } as const;

type Bound = (value: string) => string;

/**
 * Feeds the metrics from what the workers already publish, so machines need no metrics code:
 * `orchestrator.<kind>.*` → actions (payload `success`), exec latency (payload `exec_ms`),
 * LLM latency (payload `generation_ms` on email events); `system.*.health` → breaker state
 * (payload `breaker` or `llm.breaker`) and actor counts (payload `actors: {type: n}`). Kind, worker
 * and actor type labels are bounded (`EXTRA_LABEL_VALUES`), so forged names cannot grow the series.
 * Returns the unsubscribe.
 */
export function collectMetricsFromBus(bus: BusPort, metrics: OrchestratorMetrics): () => void {
  const overflow = metrics.labelOverflow;
  const kind = createLabelBound({ label: 'kind', known: KNOWN_KINDS, extra: EXTRA_LABEL_VALUES.kind, overflow });
  const worker = createLabelBound({ label: 'worker', known: KNOWN_WORKERS, extra: EXTRA_LABEL_VALUES.worker, overflow });
  const type = createLabelBound({ label: 'type', known: KNOWN_ACTOR_TYPES, extra: EXTRA_LABEL_VALUES.type, overflow });
  const offActions = bus.subscribe('orchestrator.>', (e) => countAction(e, metrics, kind));
  const offHealth = bus.subscribe('system.*.health', (e) => readHeartbeat(e, metrics, worker, type));
  return () => {
    offActions();
    offHealth();
  };
}

function countAction(e: Envelope, m: OrchestratorMetrics, bound: Bound): void {
  const token = e.topic.split('.')[1] ?? '';
  if (!KIND.test(token)) return;
  const kind = bound(token);
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

function readHeartbeat(e: Envelope, m: OrchestratorMetrics, boundWorker: Bound, boundType: Bound): void {
  const token = e.topic.split('.')[1] ?? '';
  if (!KIND.test(token)) return;
  const p = e.payload;
  const llm = p.llm && typeof p.llm === 'object' ? (p.llm as Record<string, unknown>) : {};
  const breaker = normaliseBreaker(p.breaker ?? llm.breaker);
  if (breaker) m.setBreakerState(breaker);
  const actors = p.actors;
  if (actors && typeof actors === 'object' && !Array.isArray(actors)) {
    const worker = boundWorker(token);
    for (const [type, n] of Object.entries(actors as Record<string, unknown>)) {
      // an `other` series holds the last folded value: the bound matters, not that number
      if (ACTOR_TYPE.test(type) && typeof n === 'number' && Number.isFinite(n)) m.actors.set({ worker, type: boundType(type) }, n);
    }
  }
}

function normaliseBreaker(v: unknown): BreakerState | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase().replace(/[-\s]/g, '_');
  return (BREAKER_STATES as readonly string[]).includes(s) ? (s as BreakerState) : undefined;
}
