/** Parameters of the injected `log` action, in every worker machine. */
export interface LogParams {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

/** Why a worker stopped: `ticks` (limit reached) or the reason a stop command gave. */
export type StopReason = 'ticks' | 'stop' | 'control' | 'signal' | (string & {});

/** The context fields the shared schedule, guards and delays read. */
export interface WorkerClock {
  maxTicks: number | null;
  ticks: number;
  pruneEveryTicks: number;
  nextTickMs: number;
  resyncMs: number;
  stopReason: StopReason | null;
}
