import type { Persona } from '../../domain/persona.js';
import type { MailSettled } from '../mail/mail.events.js';
import type { PersonaStatus } from './persona.types.js';

/** Commands a persona machine accepts. */
export type PersonaCommand =
  /** write one email now, to `recipient` (or a peer it picks); refused when inactive or busy */
  | { type: 'PERSONA.COMPOSE'; at: string; recipient?: Persona }
  /** the persona's definition or its peers changed */
  | { type: 'PERSONA.UPDATE'; at: string; persona: Persona; peers: Persona[] }
  /** the mail decky finished with a hand-off */
  | MailSettled;

/** Raised by the machine to itself when its mail decky has no actor to hand off to. */
type PersonaInternal = { type: 'PERSONA.HANDOFF_FAILED'; reason: string };

/** Every event a persona machine handles besides its actors' done/error events. */
export type PersonaEvent = PersonaCommand | PersonaInternal;

/** Reports a persona machine sends to its parent. */
export type PersonaReport = {
  type: 'PERSONA.STATUS';
  id: string;
  mailDeckyUuid: string;
  status: PersonaStatus;
  /** why a command was refused or a composition ended early, for the log */
  note?: string;
};

/** The child id (and systemId) of a persona's actor on one mail decky. */
export function personaActorId(mailDeckyUuid: string, email: string): string {
  return `persona:${mailDeckyUuid}:${email.toLowerCase()}`;
}
