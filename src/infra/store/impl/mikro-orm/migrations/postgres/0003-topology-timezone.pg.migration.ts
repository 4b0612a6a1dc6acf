import { Migration } from '@mikro-orm/migrations';

/** Migration 3 on PostgreSQL: `topologies.timezone` (issue 3). */
export class PgMigration0003TopologyTimezone extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table topologies add column timezone text null');
  }

  override async down(): Promise<void> {
    this.addSql('alter table topologies drop column timezone');
  }
}
