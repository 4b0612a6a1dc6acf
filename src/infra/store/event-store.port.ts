import type { EventKind, OrchestratorEvent } from '../../domain/event.js';
import type { Page } from '../../domain/page.js';

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
