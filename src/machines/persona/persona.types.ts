import type { Persona } from '../../domain/persona.js';

/** Per-instance data of one persona machine: plain data, never services. */
export interface PersonaInput {
  mailDecky: { uuid: string; name: string };
  persona: Persona;
  /** every persona in scope on this mail decky (itself included; it is never its own recipient) */
  peers: Persona[];
  /** ISO 8601: when the actor was spawned; the machine's clock starts here */
  at: string;
  /** seeds the persona's own random source (gaps, reply choice, topic, mannerisms) */
  seed: number;
  /** mean gap between writes on its own schedule; 0 → writes only when asked (default 4 h) */
  meanGapMs?: number;
  /**
   * emails per working day on its own human schedule (hours in its zone, weekdays, leave, bursts);
   * > 0 replaces the `meanGapMs` schedule (default 0)
   */
  emailsPerDay?: number;
  /** probability that an email answers the pair's newest email (SPEC §6.3: 0.6) */
  replyProbability?: number;
  /** how long a hand-off may wait for the mail decky's answer (default 5 min) */
  handOffTimeoutMs?: number;
  /** zone of personas that set none (default: the host's) */
  fallbackZone?: string;
}

/** The parent of a reply, as the store knows it. */
interface ParentRef {
  messageId: string;
  threadId: string;
  subject: string;
  /** a short excerpt of its body (quoted into the prompt) */
  excerpt: string;
  /** root-first Message-IDs ending with the parent: the reply's References */
  references: string[];
}

/** Input of `lookupThread`: find the pair's newest email when a reply is wanted. */
export interface LookupThreadInput {
  mailDeckyUuid: string;
  sender: string;
  recipient: string;
  wantReply: boolean;
}

/** What `lookupThread` resolves to: the thread to write in, and the row id of the email to come. */
export interface ThreadChoice {
  /** the parent's thread on replies, a fresh uuid otherwise */
  threadId: string;
  /** uuid of the future `orchestrator_emails` row */
  emailId: string;
  parent: ParentRef | null;
  /** ISO 8601 */
  at: string;
}

/** Input of `generate`: one prompt for the LLM. */
export interface GenerateInput {
  prompt: string;
}

/** What `generate` resolves to; failures and timeouts are results too. */
export interface GenerationResult {
  success: boolean;
  text: string;
  model: string;
  latencyMs: number;
  error?: string;
  timedOut?: boolean;
  /** ISO 8601: when the generation finished */
  at: string;
}

/** The email being written. */
export interface Composition {
  jobId: string;
  recipient: Persona;
  /** asked by the supervisor's tick, or on the persona's own schedule */
  trigger: 'asked' | 'own';
  wantReply: boolean;
  topic: string;
  mannerisms: string[];
  /** set once `lookupThread` answered */
  thread: ThreadChoice | null;
}

/** What the persona is doing, as its parent sees it. */
export type PersonaStatus = 'waiting' | 'resting' | 'composing' | 'handingOff';

/** Serialisable state of one persona machine; deadlines are epoch ms, so a restored actor can re-arm them. */
export interface PersonaContext {
  /** the actor's id and systemId */
  id: string;
  mailDeckyUuid: string;
  persona: Persona;
  peers: Persona[];
  rngState: number;
  /** the newest instant the machine knows (epoch ms): from events, actor answers and fired deadlines */
  clock: number;
  /** when it writes on its own next (epoch ms) */
  nextWriteAt: number;
  /** when its rest outside active hours ends (epoch ms) */
  restUntil: number | null;
  meanGapMs: number;
  /** > 0: own writes follow the human process at this density, never rest on a timer */
  emailsPerDay: number;
  replyProbability: number;
  handOffTimeoutMs: number;
  fallbackZone: string | null;
  compose: Composition | null;
  seq: number;
  /** emails it handed off that were delivered */
  written: number;
  /** compositions that ended without a delivery */
  failed: number;
}
