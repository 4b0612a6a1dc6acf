/** What a driver hands back: the event to record, shaped as SPEC §3.1/§3.2 (never an exception). */
export interface DriverOutcome<K extends 'traffic' | 'file' = 'traffic' | 'file'> {
  kind: K;
  /** `exec:tcp_connect:22` or `file:create` */
  action: string;
  success: boolean;
  /** JSON-safe, bounded; `rc` is null when the request was refused before any exec */
  payload: Record<string, unknown>;
}
