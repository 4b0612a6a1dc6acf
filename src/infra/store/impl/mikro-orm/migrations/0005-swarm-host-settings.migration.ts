import { Migration } from '@mikro-orm/migrations';

// one statement per addSql: the sqlite3 driver runs only the first statement of a string.
const UP = [
  // paths, not contents: the operator rotates certificates without touching the database.
  'alter table swarm_hosts add column tls_ca text null',
  'alter table swarm_hosts add column tls_cert text null',
  'alter table swarm_hosts add column tls_key text null',
  // traffic between deckies of two hosts only when both say they share a network (issue 6).
  'alter table swarm_hosts add column shares_network integer not null default 0',
  'alter table swarm_hosts add column last_error text null',
];

const DOWN = ['last_error', 'shares_network', 'tls_key', 'tls_cert', 'tls_ca'];

/** Migration 5: what a swarm host needs to be reached and paired (issue 6). */
export class Migration0005SwarmHostSettings extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const column of DOWN) this.addSql(`alter table swarm_hosts drop column ${column}`);
  }
}
