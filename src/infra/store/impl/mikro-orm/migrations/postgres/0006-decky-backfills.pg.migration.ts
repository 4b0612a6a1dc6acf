import { Migration } from '@mikro-orm/migrations';

const UP = [
  `create table if not exists decky_backfills (
    decky_uuid text collate "C" not null,
    kind text collate "C" not null,
    status text not null,
    at text collate "C" not null,
    attempts integer not null default 1,
    items integer not null default 0,
    failures integer not null default 0,
    detail text null,
    primary key (decky_uuid, kind)
  )`,
];

/** Migration 6 on PostgreSQL: `decky_backfills` (issue 7); `at` stays ISO text as on SQLite. */
export class PgMigration0006DeckyBackfills extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists decky_backfills');
  }
}
