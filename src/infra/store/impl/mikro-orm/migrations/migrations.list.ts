import { Migration0001InventoryAndEvents } from './0001-inventory-and-events.migration.js';
import { Migration0002Emails } from './0002-emails.migration.js';
import { Migration0003TopologyTimezone } from './0003-topology-timezone.migration.js';
import { Migration0004SyntheticFiles } from './0004-synthetic-files.migration.js';
import { Migration0005SwarmHostSettings } from './0005-swarm-host-settings.migration.js';
import { Migration0006DeckyBackfills } from './0006-decky-backfills.migration.js';

/**
 * Every migration, in order. Names are what `mikro_orm_migrations` records: never rename one
 * that has shipped, only append.
 */
export const MIGRATIONS = [
  { name: '0001-inventory-and-events', class: Migration0001InventoryAndEvents },
  { name: '0002-emails', class: Migration0002Emails },
  { name: '0003-topology-timezone', class: Migration0003TopologyTimezone },
  { name: '0004-synthetic-files', class: Migration0004SyntheticFiles },
  { name: '0005-swarm-host-settings', class: Migration0005SwarmHostSettings },
  { name: '0006-decky-backfills', class: Migration0006DeckyBackfills },
];
