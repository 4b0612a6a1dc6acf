import { Migration } from '@mikro-orm/migrations';

const UP = [
  'alter table swarm_hosts add column tls_ca text null',
  'alter table swarm_hosts add column tls_cert text null',
  'alter table swarm_hosts add column tls_key text null',
  'alter table swarm_hosts add column shares_network boolean not null default false',
  'alter table swarm_hosts add column last_error text null',
];

const DOWN = ['last_error', 'shares_network', 'tls_key', 'tls_cert', 'tls_ca'];

/** Migration 5 on PostgreSQL: what a swarm host needs to be reached and paired (issue 6). */
export class PgMigration0005SwarmHostSettings extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const column of DOWN) this.addSql(`alter table swarm_hosts drop column ${column}`);
  }
}
