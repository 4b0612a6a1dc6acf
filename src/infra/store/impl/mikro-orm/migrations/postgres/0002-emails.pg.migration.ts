import { Migration } from '@mikro-orm/migrations';

const UP = [
  // SQLite's `collate nocase` as an ICU collation: `Ann@Corp.example` and `ann@corp.example` are
  // one mailbox for `=` and for the pair index, without lower() in every query.
  `create collation if not exists nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
  `create table orchestrator_emails (
    rowid bigint generated always as identity,
    uuid text collate "C" not null primary key,
    ts text collate "C" not null,
    mail_decky_uuid text collate "C" not null,
    thread_id text collate "C" not null,
    message_id text collate "C" not null default '',
    in_reply_to text collate "C" null,
    sender_email text not null collate nocase,
    recipient_email text not null collate nocase,
    subject text not null default '',
    language text not null,
    eml_path text not null default '',
    success boolean not null,
    payload jsonb not null default '{}'
  )`,
  'create unique index orchestrator_emails_rowid_unique on orchestrator_emails (rowid)',
  'create index orchestrator_emails_mail_decky_uuid_ts_index on orchestrator_emails (mail_decky_uuid, ts)',
  'create index orchestrator_emails_thread_id_index on orchestrator_emails (thread_id)',
  'create index orchestrator_emails_message_id_index on orchestrator_emails (message_id)',
  'create index orchestrator_emails_pair_ts_index on orchestrator_emails (sender_email, recipient_email, ts)',
];

/** Migration 2 on PostgreSQL: `orchestrator_emails` (SPEC §4.2). */
export class PgMigration0002Emails extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists orchestrator_emails');
  }
}
