import { fromPromise } from 'xstate';
import type { EventStorePort } from '../infra/store/event-store.port.js';

/** `pruneEvents` for the supervisor: keep the newest `keep` rows per destination (SPEC §4.3). */
export function createPruneEventsLogic(deps: { events: EventStorePort; keep: number }) {
  return fromPromise<number>(() => deps.events.pruneEvents(deps.keep));
}
