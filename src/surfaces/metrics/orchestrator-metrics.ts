import type { Counter, Gauge, Histogram, MetricsRegistry } from './registry.js';

/** Circuit-breaker states of the LLM backend, as the emailgen heartbeat reports them. */
export const BREAKER_STATES = ['closed', 'half_open', 'open'] as const;

/** One of `BREAKER_STATES`. */
export type BreakerState = (typeof BREAKER_STATES)[number];

/** Handles on the metrics the daemon exposes at `/metrics` (issue 4). */
export interface OrchestratorMetrics {
  /** `decnet_actions_total{kind,result}`; result is `success` or `failure` */
  actions: Counter;
  /** `decnet_exec_duration_seconds{kind}`: wall time of one docker exec */
  execLatency: Histogram;
  /** `decnet_llm_duration_seconds{result}`: one LLM generation */
  llmLatency: Histogram;
  /** sets `decnet_llm_breaker_state{state}` to 1 for the current state and 0 for the others */
  setBreakerState(state: BreakerState): void;
  /** `decnet_actors{worker,type}`: live actors per worker and machine type (decky, persona, …) */
  actors: Gauge;
  /** `decnet_metric_label_overflow_total{label}`: bus values folded into the `other` label value */
  labelOverflow: Counter;
}

const EXEC_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16];
const LLM_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** Registers the daemon's metrics on `registry` and returns handles to update them. */
export function createOrchestratorMetrics(registry: MetricsRegistry): OrchestratorMetrics {
  const breaker = registry.gauge({
    name: 'decnet_llm_breaker_state',
    help: 'LLM circuit breaker: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
  });
  return {
    actions: registry.counter({
      name: 'decnet_actions_total',
      help: 'Synthetic actions by kind and result.',
      labelNames: ['kind', 'result'],
    }),
    execLatency: registry.histogram({
      name: 'decnet_exec_duration_seconds',
      help: 'Wall time of docker exec calls into deckies.',
      labelNames: ['kind'],
      buckets: EXEC_BUCKETS,
    }),
    llmLatency: registry.histogram({
      name: 'decnet_llm_duration_seconds',
      help: 'Wall time of LLM generations.',
      labelNames: ['result'],
      buckets: LLM_BUCKETS,
    }),
    setBreakerState(state) {
      for (const s of BREAKER_STATES) breaker.set({ state: s }, s === state ? 1 : 0);
    },
    actors: registry.gauge({
      name: 'decnet_actors',
      help: 'Live actors by worker and machine type.',
      labelNames: ['worker', 'type'],
    }),
    labelOverflow: registry.counter({
      name: 'decnet_metric_label_overflow_total',
      help: 'Label values from the bus past the series bound, counted under "other".',
      labelNames: ['label'],
    }),
  };
}
