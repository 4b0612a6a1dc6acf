import type { RunningDecky } from '../../domain/decky.js';

/** A display name and an address, as the EML builder takes them. */
interface MailAddress {
  name: string;
  email: string;
}

/** What every hand-off carries: who wrote to whom, in which thread, with which model. */
export interface DraftBase {
  /** unique per hand-off: `<persona actor id>#<n>` */
  jobId: string;
  /** systemId of the persona actor that waits for `MAIL.SETTLED` */
  replyTo: string;
  /** uuid of the `orchestrator_emails` row, chosen before generation so a retried write stays one row */
  emailId: string;
  mailDeckyUuid: string;
  from: MailAddress;
  to: MailAddress;
  language: string;
  threadId: string;
  /** the parent's Message-ID on replies */
  inReplyTo: string | null;
  mannerisms: string[];
  model: string;
  generationMs: number;
  /** ISO 8601: when the persona sent it (the Date header and the file mtime) */
  at: string;
}

/** A written email ready to deliver (SPEC §6.3–§6.5); plain data, never bytes. */
export interface EmailDraft extends DraftBase {
  /** IANA zone of the sender: the Date header's offset */
  timezone: string;
  /** root-first ancestor Message-IDs, the parent last */
  references: string[];
  subject: string;
  body: string;
}

/** A generation that failed: nothing is delivered, a failed row is recorded (stage llm). */
export interface FailedDraft extends DraftBase {
  error: string;
  timedOut: boolean;
}

/** Commands a mail decky machine accepts. */
export type MailCommand =
  /** deliver this email into the decky's spool and record it */
  | { type: 'MAIL.DELIVER'; draft: EmailDraft }
  /** record a generation that failed (stage llm) */
  | { type: 'MAIL.RECORD_FAILURE'; draft: FailedDraft }
  /** the inventory changed this decky's row */
  | { type: 'MAIL.UPDATE'; decky: RunningDecky };

/** Where a recorded email stopped: delivered, or failed at the LLM or the delivery. */
export type EmailStage = 'delivered' | 'delivery' | 'llm';

/** The answer a persona gets for one hand-off, after its row was written (or given up). */
export interface MailSettled {
  type: 'MAIL.SETTLED';
  jobId: string;
  success: boolean;
  stage: EmailStage;
  /** ISO 8601: when the mail decky finished with it */
  at: string;
}

/** Availability of a mail decky: `busy` while it has work, `backingOff` after repeated delivery failures. */
export type MailStatus = 'idle' | 'busy' | 'backingOff';

/** Reports a mail decky machine sends to its parent. */
export type MailReport =
  | { type: 'MAIL.STATUS'; uuid: string; status: MailStatus; queued: number }
  /** one email row was handled; `recorded` is false when the store kept refusing it */
  | { type: 'MAIL.RECORDED'; uuid: string; jobId: string; success: boolean; stage: EmailStage; recorded: boolean };

/** The child id (and systemId) of a mail decky's actor. */
export function mailActorId(uuid: string): string {
  return `mail:${uuid}`;
}
