import { fromPromise } from 'xstate';
import type { EventStorePort } from '../infra/store/event-store.port.js';
import { boundedSingleFlight } from './bounded-call.js';

/**
 * `pruneEvents` for the supervisor: keep the newest `keep` rows per destination (SPEC §4.3). A
 * prune that waits on a locked database past `timeoutMs` (default 5 s) rejects and finishes in
 * the background; the schedule does not wait for it.
 */
export function createPruneEventsLogic(deps: { events: EventStorePort; keep: number; timeoutMs?: number }) {
  const prune = boundedSingleFlight(() => deps.events.pruneEvents(deps.keep), deps.timeoutMs ?? 5_000, 'the event prune');
  return fromPromise<number>(({ signal }) => prune(signal));
}
