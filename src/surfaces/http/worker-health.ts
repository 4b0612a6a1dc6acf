import type { BusPort } from '../../infra/bus/bus.port.js';
import type { WorkerHealth } from './api-sources.port.js';

/** Workers every install runs (SPEC §5): both are listed even before their first heartbeat. */
const KNOWN_WORKERS: readonly string[] = ['orchestrator', 'emailgen'];

/** A worker is stale once its last heartbeat is this old (SPEC §5). */
const STALE_AFTER_MS = 90_000;

// heartbeats from unexpected workers are listed too, but a flood of names cannot grow the map.
const MAX_WORKERS = 64;
const WORKER = /^[a-z][a-z0-9_-]{0,63}$/;

/** Options of `trackWorkerHealth`. */
interface WorkerHealthOptions {
  bus: BusPort;
  /** epoch ms; injected so tests can age heartbeats */
  now?: () => number;
  workers?: readonly string[];
  staleAfterMs?: number;
}

/** Live view of worker health; `stop` unsubscribes from the bus. */
export interface WorkerHealthTracker {
  list(): WorkerHealth[];
  stop(): void;
}

/** Subscribes `system.*.health` and answers ok / stale / unknown per worker. */
export function trackWorkerHealth(o: WorkerHealthOptions): WorkerHealthTracker {
  const now = o.now ?? Date.now;
  const staleAfter = o.staleAfterMs ?? STALE_AFTER_MS;
  const seen = new Map<string, { at: number; extra: Record<string, unknown> }>();
  const order = [...(o.workers ?? KNOWN_WORKERS)];

  const off = o.bus.subscribe('system.*.health', (e) => {
    const worker = e.topic.split('.')[1] ?? '';
    if (!WORKER.test(worker)) return;
    if (!order.includes(worker)) {
      if (order.length >= MAX_WORKERS) return;
      order.push(worker);
    }
    const { worker: _w, ts: _ts, ...extra } = e.payload;
    // the receive time, not the payload's ts: a worker with a wrong clock is still alive
    seen.set(worker, { at: now(), extra });
  });

  return {
    list() {
      const t = now();
      return order.map((worker) => {
        const s = seen.get(worker);
        if (!s) return { worker, status: 'unknown', lastSeen: null, extra: {} };
        return { worker, status: t - s.at < staleAfter ? 'ok' : 'stale', lastSeen: new Date(s.at), extra: s.extra };
      });
    },
    stop: off,
  };
}
