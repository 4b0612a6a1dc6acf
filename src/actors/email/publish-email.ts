import type { BusPort } from '../../infra/bus/bus.port.js';
import { emailTopic } from '../../infra/bus/topics.js';
import type { EmailRecord } from '../../domain/email-record.js';

/** The bus type of a recorded email: `email.delivered` or `email.failed` (SPEC §5). */
function emailEventType(row: Pick<EmailRecord, 'success'>): string {
  return row.success ? 'email.delivered' : 'email.failed';
}

/** Publishes a committed email row on `orchestrator.email.<mail_decky>` (SPEC §5). */
export function publishEmail(bus: BusPort, row: EmailRecord): void {
  bus.publish(emailTopic(row.mailDeckyUuid), emailEventType(row), {
    uuid: row.uuid,
    ts: row.ts.toISOString(),
    kind: 'email',
    mailDeckyUuid: row.mailDeckyUuid,
    threadId: row.threadId,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo,
    senderEmail: row.senderEmail,
    recipientEmail: row.recipientEmail,
    subject: row.subject,
    language: row.language,
    emlPath: row.emlPath,
    success: row.success,
    payload: row.payload,
  });
}
