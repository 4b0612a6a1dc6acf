import type { RunningDecky } from '../../domain/decky.js';
import { mailContainerName } from '../email/mail-decky.js';
import { excerpt } from '../email/prompt.js';
import type { EmailDraft, EmailStage, FailedDraft } from './mail.events.js';
import type { DeliveryResult, EmailRowDraft, MailJob } from './mail.types.js';
import { errText } from '../../domain/err-text.js';

// stderr and errors come from attacker-controlled containers or remote servers: bounded
const MAX_ERROR = 256;

/** The row of a delivery attempt (SPEC §3.3, §4.2); failures keep the subject but no eml_path. */
export function deliveryRow(decky: RunningDecky, draft: EmailDraft, result: DeliveryResult): EmailRowDraft {
  const stage: EmailStage = result.success ? 'delivered' : 'delivery';
  const payload: Record<string, unknown> = {
    ...common(draft, stage),
    bytes: result.bytes,
    message_id: result.messageId,
    subject: draft.subject,
    container: result.container,
    eml_path: result.emlPath,
    rc: result.rc,
    duration_ms: result.durationMs,
  };
  if (result.date) payload.date = result.date;
  if (result.existed) payload.existed = true;
  if (result.timedOut) payload.timed_out = true;
  if (result.truncated) payload.truncated = true;
  // what a reply quotes from its parent; the store keeps no bodies otherwise
  if (result.success) payload.body_excerpt = excerpt(draft.body);
  else payload.stderr = clip(result.stderr ?? '');
  return {
    ...rowBase(decky, draft),
    messageId: result.messageId,
    subject: draft.subject,
    emlPath: result.success ? result.emlPath : '',
    success: result.success,
    payload,
  };
}

/** The row of a failed generation: nothing was delivered, message_id/subject/eml_path are empty (SPEC §4.2). */
export function llmFailureRow(decky: RunningDecky, draft: FailedDraft): EmailRowDraft {
  const payload: Record<string, unknown> = {
    ...common(draft, 'llm'),
    bytes: 0,
    message_id: '',
    subject: '',
    container: mailContainerName(decky) ?? '',
    eml_path: '',
    rc: null,
    stderr: clip(draft.error),
  };
  if (draft.timedOut) payload.timed_out = true;
  return { ...rowBase(decky, draft), messageId: '', subject: '', emlPath: '', success: false, payload };
}

/** The result of a `deliver` actor that rejected instead of answering: a failed delivery. */
export function rejectedDelivery(decky: RunningDecky, error: unknown): DeliveryResult {
  const message = errText(error);
  return {
    success: false,
    messageId: '',
    emlPath: '',
    bytes: 0,
    container: mailContainerName(decky) ?? '',
    rc: null,
    stderr: clip(message),
    durationMs: 0,
  };
}

/** The stage a job ended in, given the row written for it. */
export function stageOf(job: MailJob, row: EmailRowDraft | null): EmailStage {
  if (job.kind === 'llmFailed') return 'llm';
  return row?.success ? 'delivered' : 'delivery';
}

function rowBase(decky: RunningDecky, d: EmailDraft | FailedDraft) {
  return {
    uuid: d.emailId,
    ts: d.at,
    mailDeckyUuid: decky.uuid,
    threadId: d.threadId,
    inReplyTo: d.inReplyTo,
    senderEmail: d.from.email,
    recipientEmail: d.to.email,
    language: d.language,
  };
}

function common(d: EmailDraft | FailedDraft, stage: EmailStage): Record<string, unknown> {
  return {
    stage,
    model: d.model,
    generation_ms: d.generationMs,
    thread_id: d.threadId,
    language: d.language,
    mannerisms_used: d.mannerisms,
    is_reply: d.inReplyTo !== null,
    sender: d.from.email,
    recipient: d.to.email,
  };
}

function clip(text: string): string {
  return Array.from(text).slice(0, MAX_ERROR).join('');
}
