import { EntitySchema } from '@mikro-orm/core';
import { UtcDateType } from '../utc-date.type.js';

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
  payload: Record<string, unknown>;
}

/** An `orchestrator_emails` row (SPEC §4.2). */
export interface EmailRow {
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
  payload: Record<string, unknown>;
}

/** Entity schema of `orchestrator_events`. */
export const EventEntity = new EntitySchema<EventRow>({
  name: 'OrchestratorEvent',
  tableName: 'orchestrator_events',
  indexes: [{ properties: ['dstDeckyUuid', 'ts'] }],
  properties: {
    uuid: { type: 'string', primary: true, columnType: 'text' },
    ts: { type: UtcDateType, index: true },
    kind: { type: 'string', columnType: 'text', index: true },
    protocol: { type: 'string', columnType: 'text', default: 'ssh' },
    action: { type: 'string', columnType: 'text' },
    srcDeckyUuid: { type: 'string', columnType: 'text', nullable: true, index: true },
    dstDeckyUuid: { type: 'string', columnType: 'text', index: true },
    success: { type: 'boolean', index: true },
    payload: { type: 'json', columnType: 'text', default: '{}' },
  },
});

/** Entity schema of `orchestrator_emails`. */
export const EmailEntity = new EntitySchema<EmailRow>({
  name: 'OrchestratorEmail',
  tableName: 'orchestrator_emails',
  indexes: [{ properties: ['mailDeckyUuid', 'ts'] }, { properties: ['senderEmail', 'recipientEmail', 'ts'] }],
  properties: {
    uuid: { type: 'string', primary: true, columnType: 'text' },
    ts: { type: UtcDateType },
    mailDeckyUuid: { type: 'string', columnType: 'text' },
    threadId: { type: 'string', columnType: 'text', index: true },
    messageId: { type: 'string', columnType: 'text', index: true, default: '' },
    inReplyTo: { type: 'string', columnType: 'text', nullable: true },
    senderEmail: { type: 'string', columnType: 'text' },
    recipientEmail: { type: 'string', columnType: 'text' },
    subject: { type: 'string', columnType: 'text', default: '' },
    language: { type: 'string', columnType: 'text' },
    emlPath: { type: 'string', columnType: 'text', default: '' },
    success: { type: 'boolean' },
    payload: { type: 'json', columnType: 'text', default: '{}' },
  },
});

