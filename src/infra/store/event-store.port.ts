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

/** A page of rows, newest first (SPEC §4.3). */
export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  data: T[];
}

/** Paging and filter for `listEvents`, newest first. */
export interface ListQuery {
  /** 1..1000 */
  limit: number;
  offset: number;
  kind?: EventKind;
}

/** The event store: one writer, batched writes, paged reads, per-destination retention. */
export interface EventStorePort {
  /** writes all rows in one transaction */
  recordEvents(events: readonly OrchestratorEvent[]): Promise<void>;
  listEvents(q: ListQuery): Promise<Page<OrchestratorEvent>>;
  /** keeps the newest `keep` rows per dst_decky_uuid, in one transaction; returns rows removed */
  pruneEvents(keep: number): Promise<number>;
}
