import type { ListQuery } from './event-store.port.js';
import type { EventKind } from '../../domain/event.js';
import { EVENT_KINDS } from '../../domain/event.js';

/** A query the caller got wrong (limit out of range, unknown kind); never worth retrying. */
export class StoreQueryError extends Error {
  readonly code = 'STORE_INVALID_QUERY';
  readonly retryable = false;
}

/** Checks paging: limit an integer in 1..1000, offset an integer ≥ 0. */
export function validatePaging(q: { limit: number; offset: number }): void {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) {
    throw new StoreQueryError(`limit must be an integer from 1 to 1000, got ${q.limit}`);
  }
  if (!Number.isInteger(q.offset) || q.offset < 0) {
    throw new StoreQueryError(`offset must be an integer ≥ 0, got ${q.offset}`);
  }
}

/** Checks an event list query (SPEC §4.3). */
export function validateListQuery(q: ListQuery): void {
  validatePaging(q);
  if (q.kind !== undefined && !isEventKind(q.kind)) {
    throw new StoreQueryError(`kind must be one of ${EVENT_KINDS.join(', ')}, got ${String(q.kind)}`);
  }
}

/** Type guard for event kinds. */
export function isEventKind(v: unknown): v is EventKind {
  return (EVENT_KINDS as readonly unknown[]).includes(v);
}

/** Checks a retention cap: an integer ≥ 0. */
export function validateKeep(keep: number): void {
  if (!Number.isInteger(keep) || keep < 0) throw new StoreQueryError(`keep must be an integer ≥ 0, got ${keep}`);
}

/** A database operation that failed unexpectedly; `retryable` when another writer held the lock. */
export class StoreError extends Error {
  readonly code = 'STORE_FAILED';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The database is not one this orchestrator may use as it is: DECNET's at an unknown alembic
 * revision, DECNET's lacking a table or column the orchestrator needs, or a stranger's. Nothing
 * was written; never worth retrying.
 */
export class StoreOwnershipError extends Error {
  readonly code = 'STORE_NOT_OURS';
  readonly retryable = false;
}
