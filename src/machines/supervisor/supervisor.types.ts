import type { Density } from '../policy/cadence.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { DeckyCommand } from '../decky/decky.events.js';
import type { EventDraft } from '../../domain/event.js';
import type { LogParams, StopReason } from '../worker/worker.types.js';

/** Decky machine tuning the supervisor hands to every decky it spawns. */
export interface DeckyTuning {
  failureThreshold: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Per-run data of the supervisor; services arrive through `provide`, never here. */
export interface SupervisorInput {
  /** mean tick interval (SPEC §2: 60 s originally) */
  intervalMs: number;
  /** stop after this many ticks (`--ticks N`) */
  ticks?: number;
  /** seeds the policy's random source; the runtime draws it from a real rng */
  seed: number;
  /** actions per eligible decky per hour; unset → one action per tick (original) */
  ratePerDeckyPerHour?: number;
  /** density mode (issue 7): actions per eligible decky per working day, shaped by the clock in `timeZone` */
  actionsPerDeckyPerDay?: number;
  /** IANA zone of the deckies' working day (default UTC) */
  timeZone?: string;
  /** prune cadence in ticks (SPEC §4.3: 100) */
  pruneEveryTicks?: number;
  /** discovery's periodic resync */
  resyncMs?: number;
  /** share of traffic when two or more deckies are eligible (default 0.5) */
  trafficShare?: number;
  decky?: Partial<DeckyTuning>;
}

/**
 * Why a decky is not available; absent from the map means idle. `starting`: spawned, its first
 * idle report not seen yet (a command sent now could be overtaken by that stale report).
 * `scheduled`: picked by a tick, its command waits for its moment inside the tick interval.
 */
type BusyStatus = 'starting' | 'scheduled' | 'acting' | 'backingOff' | 'restarting';

/** Serialisable state of the supervisor. */
export interface SupervisorContext {
  intervalMs: number;
  ratePerDeckyPerHour: number | null;
  /** density mode: the rate follows the working day (wins over `ratePerDeckyPerHour`) */
  density: Density | null;
  maxTicks: number | null;
  pruneEveryTicks: number;
  resyncMs: number;
  trafficShare: number;
  tuning: DeckyTuning;
  /** the running set; each has a live child unless its status is `restarting` */
  deckies: Record<string, RunningDecky>;
  status: Record<string, BusyStatus>;
  restarts: Record<string, number>;
  ticks: number;
  rngState: number;
  nextTickMs: number;
  /** wall time of the last inventory read (ISO 8601), the only clock the policy sees */
  now: string | null;
  stopReason: StopReason | null;
  abandoned: number;
  recorded: number;
  /** consecutive tick reads of the inventory that failed; only the first one is a warning */
  readFailures: number;
  /**
   * rate mode: actions the last tick drew but had no idle decky for; each decky that reports
   * idle takes one at once (work-conserving dispatch) until the next tick redraws it
   */
  backlog: number;
}

/** What the supervisor ends with. */
export interface SupervisorOutput {
  reason: StopReason;
  ticks: number;
  /** actions still running when the drain bound passed */
  abandoned: number;
  /** rows handed to the event writer */
  recorded: number;
}

/** Parameters of the injected `publishHeartbeat` action; the runtime adds worker and ts. */
export interface HeartbeatParams {
  actors: { deckies: number; idle: number; starting: number; acting: number; backingOff: number; restarting: number };
  ticks: number;
  recorded: number;
}

/** Why the running set is read: after a discovery sync, or for a tick (logs, tests). */
export interface ListRunningInput {
  reason: 'sync' | 'tick';
}

/** What `listRunning` resolves to: the running set and when it was read. */
export interface RunningSnapshot {
  deckies: RunningDecky[];
  /** ISO 8601 */
  at: string;
  /** false when the last read was reused (nothing can have changed): there is nothing to reconcile */
  fresh?: boolean;
}

/** Effects a planner asks for, as data; the machine turns them into actions. */
export type Effect =
  | { do: 'spawn'; decky: RunningDecky }
  | { do: 'stop'; uuid: string }
  /** `delayMs`: delivered that much later (rate mode spreads a tick's actions over its interval) */
  | { do: 'send'; uuid: string; command: DeckyCommand; delayMs?: number }
  | { do: 'record'; draft: EventDraft }
  | { do: 'log'; params: LogParams }
  | { do: 'scheduleRestart'; uuid: string }
  | { do: 'cancelRestart'; uuid: string }
  /** drops a delayed command not delivered yet */
  | { do: 'cancelDispatch'; uuid: string };

/** A planner's answer: the context fields to change and the effects to run, in order. */
export interface Plan {
  patch: Partial<SupervisorContext>;
  effects: Effect[];
}
