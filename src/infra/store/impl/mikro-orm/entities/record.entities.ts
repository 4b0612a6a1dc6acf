import { EntitySchema } from '@mikro-orm/core';
import { DecnetDateType } from '../decnet-date.type.js';

/** An `orchestrator_events` row (SPEC §4.1); no foreign keys: ids are opaque and outlive deckies. */
interface EventRow {
  uuid: string;
  ts: Date;
  kind: string;
  protocol: string;
  action: string;
  srcDeckyUuid: string | null;
  dstDeckyUuid: string;
  success: boolean;
  /** json.dumps text */
  payload: string;
}

/** An `orchestrator_emails` row (SPEC §4.2). */
interface EmailRow {
  uuid: string;
  ts: Date;
  mailDeckyUuid: string;
  threadId: string;
  messageId: string;
  inReplyTo: string | null;
  senderEmail: string;
  recipientEmail: string;
  subject: string;
  language: string;
  emlPath: string;
  success: boolean;
  /** json.dumps text */
  payload: string;
}

/** Entity schema of `orchestrator_events`, DECNET's columns and indexes. */
export const EventEntity = new EntitySchema<EventRow>({
  name: 'OrchestratorEvent',
  tableName: 'orchestrator_events',
  indexes: [{ name: 'ix_orchestrator_events_dst_ts', properties: ['dstDeckyUuid', 'ts'] }],
  properties: {
    uuid: { type: 'string', primary: true },
    ts: { type: DecnetDateType, index: true },
    kind: { type: 'string', length: 16, index: true },
    protocol: { type: 'string', length: 16, index: true },
    action: { type: 'string', length: 64 },
    srcDeckyUuid: { type: 'string', nullable: true, index: true },
    dstDeckyUuid: { type: 'string', index: true },
    success: { type: 'boolean', index: true },
    payload: { type: 'text' },
  },
});

/** Entity schema of `orchestrator_emails`, DECNET's columns and indexes. */
export const EmailEntity = new EntitySchema<EmailRow>({
  name: 'OrchestratorEmail',
  tableName: 'orchestrator_emails',
  indexes: [
    { name: 'ix_orchestrator_emails_mail_ts', properties: ['mailDeckyUuid', 'ts'] },
    { name: 'ix_orchestrator_emails_thread', properties: ['threadId'] },
  ],
  properties: {
    uuid: { type: 'string', primary: true },
    ts: { type: DecnetDateType, index: true },
    mailDeckyUuid: { type: 'string', index: true },
    threadId: { type: 'string', index: true },
    messageId: { type: 'string', length: 255 },
    inReplyTo: { type: 'string', length: 255, nullable: true },
    senderEmail: { type: 'string', length: 255, index: true },
    recipientEmail: { type: 'string', length: 255, index: true },
    subject: { type: 'string', length: 512 },
    language: { type: 'string', length: 8 },
    emlPath: { type: 'string', length: 1024 },
    success: { type: 'boolean', index: true },
    payload: { type: 'text' },
  },
});
