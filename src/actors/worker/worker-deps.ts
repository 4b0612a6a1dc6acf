import type { InspectionEvent, Observer } from 'xstate';
import type { RunningDecky } from '../../domain/decky.js';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import type { StoreOwner } from '../../infra/store/store.port.js';
import type { TimerClock } from './start-worker.js';

/** Scheduling and bounds every worker run has; only `intervalMs` is required. */
export interface WorkerSettings {
  /** mean tick interval */
  intervalMs: number;
  /** stop after N ticks (`--ticks`) */
  ticks?: number;
  /** discovery's periodic resync (default 30 s) */
  resyncMs?: number;
  /** prune cadence in ticks (default 100) */
  pruneEveryTicks?: number;
  /** heartbeat period (default 30 s) */
  heartbeatMs?: number;
  /** bound on waiting for in-flight work at a stop (default 10 s) */
  drainTimeoutMs?: number;
  /** per-exec bounds handed to the drivers */
  execTimeoutMs?: number;
  execMaxOutputBytes?: number;
}

/** What every worker runtime is injected with, once, at its root. */
export interface WorkerDeps<S extends WorkerSettings = WorkerSettings> {
  settings: S;
  inventory: InventoryPort;
  /**
   * whose rows `inventory` holds (`store.owner`): `decnet` → discovery writes nothing and every
   * read keeps only the deckies running on their engine (issue 11); default `project`
   */
  owner?: StoreOwner;
  bus: BusPort;
  logger: Logger;
  /** the local engine: discovery runs on it, and every non-shard decky acts on it */
  docker: DockerPort;
  /** the engine a decky acts on; default: local for topology/fleet, an error for shards */
  dockerFor?: (decky: RunningDecky) => DockerPort;
  /** false → no Docker discovery; the inventory is taken as it is (default true) */
  discover?: boolean;
  /** timestamps of rows and heartbeats */
  now?: () => Date;
  /** seeds the policy's random source */
  seed?: number;
  /** xstate timer source for delays; tests pass a SimulatedClock */
  clock?: TimerClock;
  /** xstate inspection hook (e.g. @statelyai/inspect) */
  inspect?: Observer<InspectionEvent> | ((e: InspectionEvent) => void);
}
