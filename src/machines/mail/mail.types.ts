import type { EmailRecord } from '../../domain/email-record.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { EmailDraft, FailedDraft } from './mail.events.js';

/** One piece of work for a mail decky: a delivery, or a failed generation to record. */
export type MailJob = { kind: 'deliver'; draft: EmailDraft } | { kind: 'llmFailed'; draft: FailedDraft };

/** Input of the `deliver` actor: build the EML from the draft and write it into the decky's spool. */
export interface DeliverInput {
  decky: RunningDecky;
  draft: EmailDraft;
}

/** What `deliver` resolves to (SPEC §3.3); a refused or failed delivery is a result, not an error. */
export interface DeliveryResult {
  success: boolean;
  /** with brackets; '' when the message could not even be built */
  messageId: string;
  /** where the file is; for failures, where it would have been ('' when unknown) */
  emlPath: string;
  bytes: number;
  container: string;
  /** null when refused before any exec */
  rc: number | null;
  stderr?: string;
  /** the Date header as written */
  date?: string;
  /** the file was already there (a repeated delivery) and was left alone */
  existed?: boolean;
  durationMs: number;
  timedOut?: boolean;
  truncated?: boolean;
}

/**
 * An `orchestrator_emails` row as plain data (SPEC §4.2): the store row with `ts` as ISO 8601,
 * so machine context stays serialisable; the actor turns `ts` into a Date.
 */
export type EmailRowDraft = Omit<EmailRecord, 'ts'> & { ts: string };

/** Per-instance data of one mail decky machine; never services. */
export interface MailInput {
  decky: RunningDecky;
  /** consecutive delivery failures that start a backoff (default 3) */
  failureThreshold?: number;
  /** first backoff (default 60 s), doubled per repeated backoff */
  backoffBaseMs?: number;
  /** backoff cap (default 30 min) */
  backoffMaxMs?: number;
  /** attempts at writing one row before it is given up (default 3) */
  recordAttempts?: number;
  /** jobs waiting beyond the current one; more are refused (default 50) */
  maxQueue?: number;
}

/** Serialisable state of one mail decky machine. */
export interface MailContext {
  decky: RunningDecky;
  failureThreshold: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  recordAttempts: number;
  maxQueue: number;
  queue: MailJob[];
  current: MailJob | null;
  /** the row being written for `current` */
  row: EmailRowDraft | null;
  /** attempts made at writing `row` */
  attempts: number;
  /** consecutive delivery failures */
  failures: number;
  /** consecutive backoffs; each doubles the next delay; reset by a delivery */
  backoffs: number;
  delivered: number;
  failed: number;
  /** rows the store kept refusing */
  lost: number;
}
