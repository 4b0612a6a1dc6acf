/** Event kinds of `orchestrator_events` (SPEC §4.1). */
export type EventKind = 'traffic' | 'file';

/** Every event kind, for validation and help texts. */
export const EVENT_KINDS: readonly EventKind[] = ['traffic', 'file'];

/** One synthetic action, as recorded (SPEC §4.1). */
export interface OrchestratorEvent {
  uuid: string;
  ts: Date;
  kind: EventKind;
  protocol: 'ssh';
  action: string;
  srcDeckyUuid: string | null;
  dstDeckyUuid: string;
  success: boolean;
  payload: Record<string, unknown>;
}

/**
 * An `orchestrator_events` row before the writer gives it a uuid: plain data, so it can cross
 * actors and sit in a context. `ts` is when the action finished (ISO 8601); absent → the write time.
 */
export type EventDraft = Omit<OrchestratorEvent, 'uuid' | 'ts'> & { ts?: string };
