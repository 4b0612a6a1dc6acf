import type { Persona } from '../../domain/persona.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { MailCommand, MailStatus } from '../mail/mail.events.js';
import type { MailInput } from '../mail/mail.types.js';
import type { PersonaCommand } from '../persona/persona.events.js';
import type { PersonaInput, PersonaStatus } from '../persona/persona.types.js';
import type { LogParams, StopReason } from '../worker/worker.types.js';

/** Tuning handed to every persona actor. */
export type PersonaTuning = Pick<PersonaInput, 'meanGapMs' | 'emailsPerDay' | 'replyProbability' | 'handOffTimeoutMs' | 'fallbackZone'>;
/** Tuning handed to every mail decky actor. */
export type MailTuning = Omit<MailInput, 'decky'>;

/** Per-run data of the emailgen supervisor; services arrive through `provide`, never here. */
export interface EmailgenInput {
  /** mean tick interval (SPEC §6.7: 300 s) */
  intervalMs: number;
  /** stop after this many ticks (`--ticks N`) */
  ticks?: number;
  seed: number;
  /** prune cadence in ticks (SPEC §4.3: 100) */
  pruneEveryTicks?: number;
  /** discovery's periodic resync */
  resyncMs?: number;
  /**
   * a tick may reuse a scope read this recent instead of reading the store (default 0: never);
   * set it only when discovery runs, whose every sync triggers a fresh read
   */
  scopeReuseMs?: number;
  /** bound on in-flight emails when stopped by a signal or control message (default 10 s) */
  drainTimeoutMs?: number;
  /** bound on in-flight emails after the last of `--ticks` (default 90 s: an LLM may be slow) */
  settleTimeoutMs?: number;
  persona?: PersonaTuning;
  mail?: MailTuning;
}

/** One mail decky and the personas in its scope (SPEC §6.2). */
export interface MailScope {
  decky: RunningDecky;
  personas: Persona[];
}

/** What `loadScope` resolves to: the mail deckies, their personas, and when they were read. */
export interface ScopeSnapshot {
  mailDeckies: MailScope[];
  /** running deckies of every kind, for the idle line */
  running: number;
  /** ISO 8601 */
  at: string;
  /** the mail deckies and personas of an earlier read (nothing synced since), read again only for `at` */
  reused?: boolean;
}

/** What `loadScope` is asked: how old a read it may answer with (0: read now). */
export interface LoadScopeInput {
  reuseMs: number;
}

/** Serialisable state of the emailgen supervisor. */
export interface EmailgenContext {
  intervalMs: number;
  maxTicks: number | null;
  pruneEveryTicks: number;
  resyncMs: number;
  drainTimeoutMs: number;
  settleTimeoutMs: number;
  personaTuning: PersonaTuning;
  mailTuning: MailTuning;
  /** mail deckies in scope by uuid, with their personas */
  scope: Record<string, MailScope>;
  /** one entry per live mail decky actor */
  mailStatus: Record<string, MailStatus>;
  /** one entry per live persona actor, by actor id */
  personaStatus: Record<string, PersonaStatus>;
  /** which mail decky each live persona actor writes on */
  personaDecky: Record<string, string>;
  /** a child was forgotten (it crashed): the next tick reconciles even a reused scope read */
  reconcileDue: boolean;
  /** how old a scope read a tick may reuse (0: every tick reads) */
  scopeReuseMs: number;
  ticks: number;
  rngState: number;
  nextTickMs: number;
  /** wall time of the last scope read (ISO 8601), the only clock the policy sees */
  now: string | null;
  stopReason: StopReason | null;
  /** compositions the ticks asked for */
  asked: number;
  delivered: number;
  failed: number;
  /** rows the store kept refusing */
  lost: number;
  abandoned: number;
}

/** What the supervisor ends with. */
export interface EmailgenOutput {
  reason: StopReason;
  ticks: number;
  asked: number;
  delivered: number;
  failed: number;
  lost: number;
  /** emails still in flight when the drain bound passed */
  abandoned: number;
}

/** Parameters of the injected `publishHeartbeat` action; the runtime adds worker, ts and the LLM. */
export interface EmailgenHeartbeat {
  actors: {
    mailDeckies: number;
    mailBusy: number;
    mailBackingOff: number;
    personas: number;
    waiting: number;
    resting: number;
    composing: number;
    handingOff: number;
  };
  ticks: number;
  emails: { asked: number; delivered: number; failed: number; lost: number };
}

/** Effects a planner asks for, as data; the machine turns them into actions. */
export type EmailgenEffect =
  | { do: 'spawnMail'; decky: RunningDecky }
  | { do: 'spawnPersona'; input: PersonaInput }
  | { do: 'stop'; id: string }
  /** a failed group (emailgen.group.ts) is stopped with whatever it still hosts */
  | { do: 'stopGroup'; id: string }
  | { do: 'send'; id: string; event: PersonaCommand | MailCommand }
  | { do: 'log'; params: LogParams };

/** A planner's answer: the context fields to change and the effects to run, in order. */
export interface EmailgenPlan {
  patch: Partial<EmailgenContext>;
  effects: EmailgenEffect[];
}
