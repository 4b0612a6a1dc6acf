import { Migration } from '@mikro-orm/migrations';

// the PostgreSQL twin of ../0001: same tables, columns and indexes. Dates stay ISO-8601 text
// (collate "C": byte order is time order, whatever the database's locale), JSON is jsonb,
// booleans are boolean, and the event table gets an identity column named `rowid` so the
// repositories' "same ts → insertion order" tie-break reads the same on both dialects.
const UP = [
  `create table topologies (
    id text collate "C" not null primary key,
    name text not null,
    language_default text not null default 'en',
    email_personas jsonb not null default '[]',
    created_at text collate "C" not null,
    updated_at text collate "C" not null
  )`,
  `create table topology_deckies (
    uuid text collate "C" not null primary key,
    topology_id text collate "C" not null references topologies (id) on delete cascade,
    name text collate "C" not null,
    services text not null default '[]',
    ip text null,
    state text not null default 'pending',
    host_uuid text collate "C" null,
    last_seen text collate "C" null,
    updated_at text collate "C" not null
  )`,
  'create unique index topology_deckies_topology_id_name_unique on topology_deckies (topology_id, name)',
  'create index topology_deckies_state_index on topology_deckies (state)',
  `create table fleet_deckies (
    host_uuid text collate "C" not null default 'local',
    name text collate "C" not null,
    services text not null default '[]',
    ip text null,
    state text not null default 'pending',
    last_seen text collate "C" null,
    updated_at text collate "C" not null,
    primary key (host_uuid, name)
  )`,
  'create index fleet_deckies_state_index on fleet_deckies (state)',
  `create table decky_shards (
    host_uuid text collate "C" not null,
    name text collate "C" not null,
    services text not null default '[]',
    ip text null,
    state text not null default 'pending',
    last_seen text collate "C" null,
    updated_at text collate "C" not null,
    primary key (host_uuid, name)
  )`,
  'create index decky_shards_state_index on decky_shards (state)',
  `create table swarm_hosts (
    uuid text collate "C" not null primary key,
    name text collate "C" not null unique,
    endpoint text not null,
    state text not null default 'unknown',
    last_seen text collate "C" null,
    created_at text collate "C" not null
  )`,
  // no foreign keys: event ids are opaque and events outlive their deckies (SPEC §4.1).
  `create table orchestrator_events (
    rowid bigint generated always as identity,
    uuid text collate "C" not null primary key,
    ts text collate "C" not null,
    kind text not null,
    protocol text not null default 'ssh',
    action text not null,
    src_decky_uuid text collate "C" null,
    dst_decky_uuid text collate "C" not null,
    success boolean not null,
    payload jsonb not null default '{}'
  )`,
  'create unique index orchestrator_events_rowid_unique on orchestrator_events (rowid)',
  'create index orchestrator_events_ts_index on orchestrator_events (ts)',
  'create index orchestrator_events_kind_index on orchestrator_events (kind)',
  'create index orchestrator_events_src_decky_uuid_index on orchestrator_events (src_decky_uuid)',
  'create index orchestrator_events_dst_decky_uuid_index on orchestrator_events (dst_decky_uuid)',
  'create index orchestrator_events_success_index on orchestrator_events (success)',
  'create index orchestrator_events_dst_decky_uuid_ts_index on orchestrator_events (dst_decky_uuid, ts)',
];

const DOWN = ['orchestrator_events', 'swarm_hosts', 'decky_shards', 'fleet_deckies', 'topology_deckies', 'topologies'];

/** Migration 1 on PostgreSQL: the inventory tables (SPEC §1) and `orchestrator_events` (SPEC §4.1). */
export class PgMigration0001InventoryAndEvents extends Migration {
  override async up(): Promise<void> {
    for (const sql of UP) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const table of DOWN) this.addSql(`drop table if exists ${table}`);
  }
}
