import type { DeckyReport } from '../decky/decky.events.js';
import type { EventDraft } from '../../domain/event.js';
import type { DiscoveryReport } from '../worker/worker.events.js';

/** Commands the supervisor accepts from outside (runtime, control topic, signals). */
type SupervisorCommand =
  /** stop scheduling, drain in-flight actions within `drainTimeout`, then stop */
  { type: 'SUPERVISOR.STOP'; reason?: string };

/** Events the supervisor raises to itself (heartbeat timer, decky restart timer). */
type SupervisorInternal =
  | { type: 'SUPERVISOR.HEARTBEAT' }
  | { type: 'SUPERVISOR.RESTART_DECKY'; uuid: string }
  /** the running set was read after a discovery sync */
  | { type: 'SUPERVISOR.INVENTORY_LOADED' };

/** Every event the supervisor handles besides its actors' done/error events. */
export type SupervisorEvent = SupervisorCommand | DiscoveryReport | SupervisorInternal | DeckyReport;

/** What the supervisor sends its `eventWriter` actor. */
export type EventWriterCommand = { type: 'EVENT.RECORD'; draft: EventDraft };

/** The child id (and systemId) of a decky's actor. */
export function deckyActorId(uuid: string): string {
  return `decky:${uuid}`;
}

/** The decky uuid of an `xstate.error.actor.decky:<uuid>` event, or null for other children. */
export function crashedDeckyUuid(eventType: string): string | null {
  const prefix = 'xstate.error.actor.decky:';
  return eventType.startsWith(prefix) ? eventType.slice(prefix.length) : null;
}
