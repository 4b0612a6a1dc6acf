import { PgMigration0001InventoryAndEvents } from './0001-inventory-and-events.pg.migration.js';
import { PgMigration0002Emails } from './0002-emails.pg.migration.js';
import { PgMigration0003TopologyTimezone } from './0003-topology-timezone.pg.migration.js';
import { PgMigration0004SyntheticFiles } from './0004-synthetic-files.pg.migration.js';
import { PgMigration0005SwarmHostSettings } from './0005-swarm-host-settings.pg.migration.js';
import { PgMigration0006DeckyBackfills } from './0006-decky-backfills.pg.migration.js';

/**
 * Every PostgreSQL migration, in order, under the same names as the SQLite list: one schema
 * history, two dialects. A test keeps the two lists in step.
 */
export const PG_MIGRATIONS = [
  { name: '0001-inventory-and-events', class: PgMigration0001InventoryAndEvents },
  { name: '0002-emails', class: PgMigration0002Emails },
  { name: '0003-topology-timezone', class: PgMigration0003TopologyTimezone },
  { name: '0004-synthetic-files', class: PgMigration0004SyntheticFiles },
  { name: '0005-swarm-host-settings', class: PgMigration0005SwarmHostSettings },
  { name: '0006-decky-backfills', class: PgMigration0006DeckyBackfills },
];
