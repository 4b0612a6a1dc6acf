/** One swarm host as its actor knows it: plain data (the engine itself is found by uuid). */
export interface HostSpec {
  uuid: string;
  name: string;
}

/** Per-instance input of a host actor. */
export interface HostInput {
  host: HostSpec;
  /** discovery's periodic resync on this host */
  resyncMs: number;
}

/** Whether the host's engine answered; `reason` says why not. */
export interface ProbeResult {
  ok: boolean;
  reason?: string;
}

/** Serialisable state of a host actor. */
export interface HostContext {
  host: HostSpec;
  resyncMs: number;
  /** consecutive failed looks; sets the retry backoff, 0 while online */
  failures: number;
  /** why the engine did not answer last time */
  lastError: string | null;
  /** its deckies were taken out of the running set and stay out until it answers again */
  deckiesOut: boolean;
}

/** Discovery's reports, as the supervisor reads them (SPEC §1.3); forwarded upward unchanged. */
type HostDiscoveryReport =
  | { type: 'DISCOVERY.SYNCED'; hostUuid?: string; running?: number; deckies?: number; recovered?: boolean }
  | { type: 'DISCOVERY.DEGRADED'; hostUuid?: string; reason: string };

/** Events a host actor handles besides its actors' done/error events. */
export type HostEvent =
  | HostDiscoveryReport
  /** a liveness look failed while online */
  | { type: 'HOST.LOST'; reason: string };

/** Input of `markUnreachable`: the host and why. */
export interface MarkUnreachableInput {
  hostUuid: string;
  reason: string;
}

/** Per-run input of the hosts actor (the supervisor's `discovery`). */
export interface HostsInput {
  resyncMs: number;
}

/** Serialisable state of the hosts actor: the swarm hosts with a live host actor. */
export interface HostsContext {
  resyncMs: number;
  hosts: Record<string, HostSpec>;
}

/** Parameters of the injected `log` action. */
export interface HostLogParams {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

/** The child id of a swarm host's actor. */
export function hostActorId(uuid: string): string {
  return `host:${uuid}`;
}

/** Retry delay after `failures` failed looks: 1 s doubling, capped at `maxMs`. */
export function hostRetryDelay(failures: number, baseMs = 1_000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 16));
}
