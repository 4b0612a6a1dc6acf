import type { MailReport } from '../mail/mail.events.js';
import type { GroupReport } from './emailgen.group.js';
import type { PersonaReport } from '../persona/persona.events.js';
import type { DiscoveryReport } from '../worker/worker.events.js';

/** Commands the emailgen supervisor accepts from outside (runtime, control topic, signals). */
type EmailgenCommand = { type: 'EMAILGEN.STOP'; reason?: string };

/** Events the supervisor raises to itself. */
type EmailgenInternal =
  | { type: 'EMAILGEN.HEARTBEAT' }
  /** the scope was read after a discovery sync */
  | { type: 'EMAILGEN.SCOPE_LOADED' };

/** Every event the emailgen supervisor handles besides its actors' done/error events. */
export type EmailgenEvent = EmailgenCommand | EmailgenInternal | DiscoveryReport | PersonaReport | MailReport | GroupReport;

/** The child id of a crashed child in an `xstate.error.actor.<id>` event. */
export function crashedChildId(eventType: string): string {
  return eventType.slice('xstate.error.actor.'.length);
}
