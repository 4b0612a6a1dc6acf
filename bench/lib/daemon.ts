import { destination, pino } from 'pino';
import {
  type OrchestratorHandle,
  type OrchestratorSettings,
  startOrchestrator,
  type TimerClock,
} from '../../src/actors/orchestrator.runtime.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import type { DockerPort, ExecRequest, ExecResult } from '../../src/infra/docker/docker.port.js';
import type { Logger } from '../../src/infra/log/logger.port.js';
import type { InventoryPort } from '../../src/infra/store/inventory.port.js';
import type { Store } from '../../src/infra/store/store.port.js';

/**
 * The daemon's logger as systemd runs it (pino JSON at info, one line per action), written to
 * /dev/null: formatting and writing the lines is part of the daemon's cost.
 */
export function daemonLogger(): Logger {
  return pino({ level: 'info', base: { app: 'decnet' } }, destination({ dest: '/dev/null', sync: true })) as unknown as Logger;
}

/** Counts what passes through a DockerPort: requests seen, in flight, finished, failed. */
export interface ExecTap {
  requests: ExecRequest[];
  inFlight: number;
  finished: number;
  failed: number;
  /** epoch-free performance.now() of the first exec call, or null */
  firstAt: number | null;
  /** called synchronously on every exec call, before the request leaves */
  onCall?: (req: ExecRequest) => void;
  /** ∫ inFlight dt in ms up to `changedAt`, kept on every change: no sampling timer in the measured process */
  inFlightMs: number;
  changedAt: number;
}

/** Mean execs in flight since `from` (a copy of the tap taken with `markInFlight`). */
export function meanInFlight(tap: ExecTap, from: { inFlightMs: number; at: number }): number {
  const now = performance.now();
  const area = tap.inFlightMs + tap.inFlight * (now - tap.changedAt) - from.inFlightMs;
  return area / Math.max(now - from.at, 1);
}

/** The tap's in-flight integral now, for `meanInFlight`. */
export function markInFlight(tap: ExecTap): { inFlightMs: number; at: number } {
  const at = performance.now();
  return { inFlightMs: tap.inFlightMs + tap.inFlight * (at - tap.changedAt), at };
}

function moveInFlight(tap: ExecTap, by: 1 | -1): void {
  const now = performance.now();
  tap.inFlightMs += tap.inFlight * (now - tap.changedAt);
  tap.changedAt = now;
  tap.inFlight += by;
}

/** A DockerPort that delegates to `inner` and records every exec in `tap` (keepRequests: the requests themselves). */
export function tapPort(inner: DockerPort, tap: ExecTap, keepRequests = false): DockerPort {
  return {
    hostId: inner.hostId,
    readFile: (container, path, maxBytes, opts) => inner.readFile(container, path, maxBytes, opts),
    async exec(req: ExecRequest): Promise<ExecResult> {
      tap.firstAt ??= performance.now();
      tap.onCall?.(req);
      // kept for replay without the daemon's abort signal: a signal that outlives its call would be
      // aborted by the daemon's stop, and the replay would measure execs that never ran
      if (keepRequests) {
        const { signal: _signal, ...replayable } = req;
        tap.requests.push(replayable);
      }
      moveInFlight(tap, 1);
      try {
        const res = await inner.exec(req);
        if (res.rc !== 0) tap.failed += 1;
        return res;
      } finally {
        moveInFlight(tap, -1);
        tap.finished += 1;
      }
    },
    listDeckyContainers: () => inner.listDeckyContainers(),
    watchEvents: (onEvent, onError) => inner.watchEvents(onEvent, onError),
    ping: () => inner.ping(),
    close: () => inner.close?.(),
  };
}

/** A fresh tap. */
export function newTap(): ExecTap {
  return { requests: [], inFlight: 0, finished: 0, failed: 0, firstAt: null, inFlightMs: 0, changedAt: performance.now() };
}

/** Starts the real orchestrator runtime (store, memory bus, pino) on `docker`. */
export function startDaemon(opts: {
  store: Store;
  docker: DockerPort;
  settings: OrchestratorSettings;
  discover: boolean;
  inventory?: InventoryPort;
  clock?: TimerClock;
  seed?: number;
  logger?: Logger;
}): OrchestratorHandle {
  const logger = opts.logger ?? daemonLogger();
  return startOrchestrator({
    settings: opts.settings,
    inventory: opts.inventory ?? opts.store.inventory,
    events: opts.store.events,
    bus: createMemoryBus({ logger }),
    logger,
    docker: opts.docker,
    discover: opts.discover,
    seed: opts.seed ?? 42,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

/**
 * Settings that keep every decky busy: a rate no tick can satisfy, so each decky takes its next
 * action the moment it reports idle (the supervisor's backlog); ticks (500 ms mean, below the
 * spreading threshold) only start the first ones and redraw the backlog.
 */
export function saturatingSettings(intervalMs = 500): OrchestratorSettings {
  return {
    intervalMs,
    ratePerDeckyPerHour: 1e9,
    resyncMs: 600_000,
    heartbeatMs: 600_000,
    drainTimeoutMs: 10_000,
    pruneEveryTicks: 1_000_000,
    decky: { failureThreshold: 1_000_000 },
  };
}
