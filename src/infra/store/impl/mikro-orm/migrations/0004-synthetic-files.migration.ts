import { Migration } from '@mikro-orm/migrations';

// `if not exists`: a file rolled back by hand to an older migration set must still upgrade.
const UP = [
  `create table if not exists synthetic_files (
    id integer not null primary key autoincrement,
    decky_uuid text not null,
    path text not null,
    author text null,
    content_class text not null,
    created_at text not null,
    last_modified text not null,
    edit_count integer not null default 0,
    content_hash text not null,
    body text not null default '',
    body_truncated integer not null default 0
  )`,
  'create unique index if not exists synthetic_files_decky_uuid_path_unique on synthetic_files (decky_uuid, path)',
  'create index if not exists synthetic_files_decky_uuid_last_modified_index on synthetic_files (decky_uuid, last_modified)',
];

/** Migration 4: `synthetic_files`, the files the daemon wrote on deckies (issue 7). */
export class Migration0004SyntheticFiles extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists synthetic_files');
  }
}
