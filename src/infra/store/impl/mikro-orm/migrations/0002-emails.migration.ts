import { Migration } from '@mikro-orm/migrations';

const UP = [
  // addresses compare case-insensitively: `Ann@Corp.example` and `ann@corp.example` are one mailbox.
  `create table orchestrator_emails (
    uuid text not null primary key,
    ts text not null,
    mail_decky_uuid text not null,
    thread_id text not null,
    message_id text not null default '',
    in_reply_to text null,
    sender_email text not null collate nocase,
    recipient_email text not null collate nocase,
    subject text not null default '',
    language text not null,
    eml_path text not null default '',
    success integer not null,
    payload text not null default '{}'
  )`,
  'create index orchestrator_emails_mail_decky_uuid_ts_index on orchestrator_emails (mail_decky_uuid, ts)',
  'create index orchestrator_emails_thread_id_index on orchestrator_emails (thread_id)',
  // reply lookups: the References chain walks message ids, the parent search walks address pairs.
  'create index orchestrator_emails_message_id_index on orchestrator_emails (message_id)',
  'create index orchestrator_emails_pair_ts_index on orchestrator_emails (sender_email, recipient_email, ts)',
];

/** Migration 2: `orchestrator_emails` (SPEC §4.2). */
export class Migration0002Emails extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists orchestrator_emails');
  }
}
