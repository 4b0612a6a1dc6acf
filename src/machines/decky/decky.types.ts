import type { DriverOutcome } from '../../domain/driver-outcome.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { FilePlan } from '../policy/file-plan.js';

/** What a source decky needs to know of its traffic destination. */
export interface PeerRef {
  uuid: string;
  name: string;
  ip: string;
}

/** A driver outcome stamped with the time the action finished (ISO 8601), added by the actor. */
export interface ActionOutcome extends DriverOutcome {
  at?: string;
}

/** What a decky reports about itself: only `idle` deckies may be picked. */
export type DeckyStatus = 'idle' | 'acting' | 'backingOff';

/** Input of a traffic action: run the §3.1 probe from `src` towards `dst`. */
export interface SendTrafficInput {
  src: RunningDecky;
  dst: PeerRef;
}

/** Input of a file action: run the §3.2 plant of `plan` on `dst`. */
export interface PlantFileInput {
  dst: RunningDecky;
  plan: FilePlan;
}

/** Per-instance data of one decky machine; never services. */
export interface DeckyInput {
  decky: RunningDecky;
  /** consecutive failures that start a backoff (default 3) */
  failureThreshold?: number;
  /** first backoff (default 60 s); doubled per repeated backoff */
  backoffBaseMs?: number;
  /** backoff cap (default 30 min) */
  backoffMaxMs?: number;
}

/** The action under way, so its outcome can be attributed when the driver answers. */
export type CurrentAction = { kind: 'traffic'; dst: PeerRef } | { kind: 'file'; plan: FilePlan };

/** Serialisable state of one decky machine. */
export interface DeckyContext {
  decky: RunningDecky;
  failureThreshold: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** consecutive failed actions */
  failures: number;
  /** consecutive backoffs; each doubles the next delay; reset by a success */
  backoffs: number;
  current: CurrentAction | null;
  /** actions this decky ran */
  acted: number;
}

/** The system id of the one driver actor every decky of a system sends its actions to. */
export const DRIVER_ID = 'deckyDriver';
