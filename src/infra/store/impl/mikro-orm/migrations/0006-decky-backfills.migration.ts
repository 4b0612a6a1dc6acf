import { Migration } from '@mikro-orm/migrations';

// one statement per addSql; `if not exists` so a file rolled back by hand still upgrades.
const UP = [
  `create table if not exists decky_backfills (
    decky_uuid text not null,
    kind text not null,
    status text not null,
    at text not null,
    attempts integer not null default 1,
    items integer not null default 0,
    failures integer not null default 0,
    detail text null,
    primary key (decky_uuid, kind)
  )`,
];

/** Migration 6: `decky_backfills`, which deckies got their past (issue 7), so it is given once, ever. */
export class Migration0006DeckyBackfills extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists decky_backfills');
  }
}
