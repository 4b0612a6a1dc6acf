import { Migration } from '@mikro-orm/migrations';

/** Migration 3: `topologies.timezone`, the IANA zone for personas that set none (issue 3). */
export class Migration0003TopologyTimezone extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table topologies add column timezone text null');
  }

  override async down(): Promise<void> {
    this.addSql('alter table topologies drop column timezone');
  }
}
