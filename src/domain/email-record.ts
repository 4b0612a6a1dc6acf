/** One generated email, delivered or failed (SPEC §4.2); failures have empty messageId/subject/emlPath. */
export interface EmailRecord {
  uuid: string;
  ts: Date;
  mailDeckyUuid: string;
  threadId: string;
  /** with angle brackets, as in the header; '' for failed generations */
  messageId: string;
  inReplyTo: string | null;
  senderEmail: string;
  recipientEmail: string;
  subject: string;
  language: string;
  emlPath: string;
  success: boolean;
  payload: Record<string, unknown>;
}
