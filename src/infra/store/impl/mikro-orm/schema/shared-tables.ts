import { EMAIL_COLUMNS, EVENT_COLUMNS, SYNTHETIC_FILE_COLUMNS } from '../written-columns.js';
/**
 * DECNET's tables the orchestrator shares (DECNET-COMPAT §2, alembic baseline `4a914b1d62a0`),
 * as data: rendered to DDL for a database this project owns, and checked column by column in a
 * database DECNET owns. Types: `S` VARCHAR (VARCHAR(255) on MySQL), `S(n)`, `T` TEXT, `BT` TEXT
 * (MEDIUMTEXT on MySQL, as DECNET's `with_variant`), `DT` DATETIME, `B` BOOLEAN,
 * `I` INTEGER, `F` FLOAT; `?` marks a nullable column.
 */
export interface TableSpec {
  name: string;
  columns: ReadonlyArray<readonly [name: string, type: string]>;
  primaryKey: readonly string[];
  /** named unique constraints */
  uniques?: ReadonlyArray<readonly [name: string, columns: readonly string[]]>;
  /** indexes `[name, columns, unique]` */
  indexes: ReadonlyArray<readonly [name: string, columns: readonly string[], unique?: boolean]>;
  /** `[column, table(column)]`; declared, never enforced on SQLite (DECNET runs without foreign_keys) */
  foreignKeys?: ReadonlyArray<readonly [column: string, target: string]>;
  /** the columns this project reads or writes: a DECNET database lacking one is refused */
  needed: readonly string[];
}

const HOST_DECKY_COLUMNS = [
  ['services', 'BT'],
  ['decky_config', 'BT?'],
  ['decky_ip', 'S?'],
  ['state', 'S'],
  ['last_error', 'T?'],
  ['compose_hash', 'S?'],
  ['last_seen', 'DT?'],
  ['updated_at', 'DT'],
] as const;

/** Every shared table, in creation order (foreign-key targets first). */
export const SHARED_TABLES: readonly TableSpec[] = [
  {
    name: 'swarm_hosts',
    columns: [
      ['uuid', 'S'],
      ['name', 'S'],
      ['address', 'S'],
      ['agent_port', 'I'],
      ['status', 'S'],
      ['last_heartbeat', 'DT?'],
      ['client_cert_fingerprint', 'S'],
      ['updater_cert_fingerprint', 'S?'],
      ['cert_bundle_path', 'S'],
      ['enrolled_at', 'DT'],
      ['notes', 'T?'],
      ['use_ipvlan', 'B'],
    ],
    primaryKey: ['uuid'],
    indexes: [
      ['ix_swarm_hosts_name', ['name'], true],
      ['ix_swarm_hosts_status', ['status']],
    ],
    needed: [],
  },
  {
    name: 'topologies',
    columns: [
      ['id', 'S'],
      ['name', 'S'],
      ['mode', 'S(16)'],
      ['target_host_uuid', 'S?'],
      ['config_snapshot', 'BT'],
      ['status', 'S(32)'],
      ['status_changed_at', 'DT'],
      ['created_at', 'DT'],
      ['version', 'I'],
      ['needs_resync', 'B'],
      ['email_personas', 'BT'],
      ['language_default', 'S(8)'],
    ],
    primaryKey: ['id'],
    indexes: [
      ['ix_topologies_created_at', ['created_at']],
      ['ix_topologies_name', ['name'], true],
      ['ix_topologies_status', ['status']],
      ['ix_topologies_target_host_uuid', ['target_host_uuid']],
    ],
    foreignKeys: [['target_host_uuid', 'swarm_hosts(uuid)']],
    needed: ['id', 'name', 'email_personas', 'language_default', 'created_at', 'status_changed_at'],
  },
  {
    name: 'topology_deckies',
    columns: [
      ['uuid', 'S'],
      ['topology_id', 'S'],
      ['name', 'S'],
      ['services', 'BT'],
      ['decky_config', 'BT?'],
      ['ip', 'S?'],
      ['state', 'S(32)'],
      ['last_error', 'T?'],
      ['compose_hash', 'S?'],
      ['last_seen', 'DT?'],
      ['updated_at', 'DT'],
      ['x', 'F?'],
      ['y', 'F?'],
    ],
    primaryKey: ['uuid'],
    uniques: [['uq_topology_decky_name', ['topology_id', 'name']]],
    indexes: [
      ['ix_topology_deckies_state', ['state']],
      ['ix_topology_deckies_topology_id', ['topology_id']],
    ],
    foreignKeys: [['topology_id', 'topologies(id)']],
    needed: ['uuid', 'topology_id', 'name', 'services', 'ip', 'state'],
  },
  {
    name: 'fleet_deckies',
    columns: [['host_uuid', 'S'], ['name', 'S'], ...HOST_DECKY_COLUMNS],
    primaryKey: ['host_uuid', 'name'],
    indexes: [
      ['ix_fleet_deckies_host_uuid', ['host_uuid']],
      ['ix_fleet_deckies_state', ['state']],
    ],
    needed: ['host_uuid', 'name', 'services', 'decky_ip', 'state'],
  },
  {
    name: 'decky_shards',
    columns: [['decky_name', 'S'], ['host_uuid', 'S'], ...HOST_DECKY_COLUMNS],
    primaryKey: ['decky_name'],
    indexes: [
      ['ix_decky_shards_host_uuid', ['host_uuid']],
      ['ix_decky_shards_state', ['state']],
    ],
    foreignKeys: [['host_uuid', 'swarm_hosts(uuid)']],
    needed: ['decky_name', 'host_uuid', 'services', 'decky_ip', 'state'],
  },
  {
    name: 'orchestrator_events',
    columns: [
      ['uuid', 'S'],
      ['ts', 'DT'],
      ['kind', 'S(16)'],
      ['protocol', 'S(16)'],
      ['action', 'S(64)'],
      ['src_decky_uuid', 'S?'],
      ['dst_decky_uuid', 'S'],
      ['success', 'B'],
      ['payload', 'T'],
    ],
    primaryKey: ['uuid'],
    indexes: [
      ['ix_orchestrator_events_dst_decky_uuid', ['dst_decky_uuid']],
      ['ix_orchestrator_events_dst_ts', ['dst_decky_uuid', 'ts']],
      ['ix_orchestrator_events_kind', ['kind']],
      ['ix_orchestrator_events_protocol', ['protocol']],
      ['ix_orchestrator_events_src_decky_uuid', ['src_decky_uuid']],
      ['ix_orchestrator_events_success', ['success']],
      ['ix_orchestrator_events_ts', ['ts']],
    ],
    needed: EVENT_COLUMNS,
  },
  {
    name: 'orchestrator_emails',
    columns: [
      ['uuid', 'S'],
      ['ts', 'DT'],
      ['mail_decky_uuid', 'S'],
      ['thread_id', 'S'],
      ['message_id', 'S(255)'],
      ['in_reply_to', 'S(255)?'],
      ['sender_email', 'S(255)'],
      ['recipient_email', 'S(255)'],
      ['subject', 'S(512)'],
      ['language', 'S(8)'],
      ['eml_path', 'S(1024)'],
      ['success', 'B'],
      ['payload', 'T'],
    ],
    primaryKey: ['uuid'],
    indexes: [
      ['ix_orchestrator_emails_mail_decky_uuid', ['mail_decky_uuid']],
      ['ix_orchestrator_emails_mail_ts', ['mail_decky_uuid', 'ts']],
      ['ix_orchestrator_emails_recipient_email', ['recipient_email']],
      ['ix_orchestrator_emails_sender_email', ['sender_email']],
      ['ix_orchestrator_emails_success', ['success']],
      ['ix_orchestrator_emails_thread', ['thread_id']],
      ['ix_orchestrator_emails_thread_id', ['thread_id']],
      ['ix_orchestrator_emails_ts', ['ts']],
    ],
    needed: EMAIL_COLUMNS,
  },
  {
    name: 'synthetic_files',
    columns: [
      ['uuid', 'S'],
      ['decky_uuid', 'S(64)'],
      ['path', 'S(512)'],
      ['persona', 'S(128)'],
      ['content_class', 'S(32)'],
      ['created_at', 'DT'],
      ['last_modified', 'DT'],
      ['edit_count', 'I'],
      ['content_hash', 'S(64)'],
      ['last_body', 'T'],
    ],
    primaryKey: ['uuid'],
    uniques: [['uq_synthetic_files_decky_path', ['decky_uuid', 'path']]],
    indexes: [
      ['ix_synthetic_files_content_class', ['content_class']],
      ['ix_synthetic_files_created_at', ['created_at']],
      ['ix_synthetic_files_decky_modified', ['decky_uuid', 'last_modified']],
      ['ix_synthetic_files_decky_uuid', ['decky_uuid']],
    ],
    needed: SYNTHETIC_FILE_COLUMNS,
  },
  {
    name: 'realism_config',
    columns: [
      ['uuid', 'S'],
      ['key', 'S(64)'],
      ['value', 'T'],
      ['updated_at', 'DT'],
    ],
    primaryKey: ['uuid'],
    indexes: [['ix_realism_config_key', ['key'], true]],
    needed: [],
  },
  {
    name: 'canary_tokens',
    columns: [
      ['uuid', 'S'],
      ['kind', 'S'],
      ['decky_name', 'S'],
      ['topology_id', 'S?'],
      ['blob_uuid', 'S?'],
      ['instrumenter', 'S?'],
      ['generator', 'S?'],
      ['placement_path', 'S'],
      ['callback_token', 'S'],
      ['secret_seed', 'S'],
      ['placed_at', 'DT'],
      ['last_triggered_at', 'DT?'],
      ['trigger_count', 'I'],
      ['created_by', 'S'],
      ['state', 'S'],
      ['last_error', 'T?'],
      ['fingerprint_nonce', 'S(16)?'],
    ],
    primaryKey: ['uuid'],
    indexes: [
      ['ix_canary_tokens_callback_token', ['callback_token'], true],
      ['ix_canary_tokens_decky', ['decky_name', 'state']],
      ['ix_canary_tokens_decky_name', ['decky_name']],
      ['ix_canary_tokens_state', ['state']],
      ['ix_canary_tokens_topology_id', ['topology_id']],
    ],
    needed: [],
  },
];

/** SQL dialects the store speaks. */
export type Dialect = 'sqlite' | 'postgresql' | 'mysql';

// rowid: SQLite has one; PostgreSQL (identity) and MySQL (auto_increment) get a column of that
// name where the repositories break `ts` ties by insertion order (events, emails, files), in a
// database this project owns. DECNET ignores a column it does not know.
const ROWID_TABLES = new Set(['orchestrator_events', 'orchestrator_emails', 'synthetic_files']);
// PostgreSQL and MySQL enforce what SQLite only declares: a shard of a host not registered here
// (an engine discovery found) must still be recordable, so that foreign key stays SQLite-only.
const SKIPPED_FKS = new Set(['decky_shards.host_uuid', 'topologies.target_host_uuid']);

function sqlType(t: string, dialect: Dialect): string {
  const base = t.replace('?', '');
  const n = /^S\((\d+)\)$/.exec(base)?.[1];
  if (dialect === 'sqlite') {
    if (n) return `VARCHAR(${n})`;
    return { S: 'VARCHAR', T: 'TEXT', BT: 'TEXT', DT: 'DATETIME', B: 'BOOLEAN', I: 'INTEGER', F: 'FLOAT' }[base]!;
  }
  if (dialect === 'mysql') {
    if (n) return `VARCHAR(${n})`;
    return { S: 'VARCHAR(255)', T: 'TEXT', BT: 'MEDIUMTEXT', DT: 'DATETIME', B: 'BOOL', I: 'INTEGER', F: 'FLOAT' }[base]!;
  }
  if (n) return `varchar(${n})`;
  return { S: 'varchar', BT: 'text', T: 'text', DT: 'timestamp(6) without time zone', B: 'boolean', I: 'integer', F: 'double precision' }[
    base
  ]!;
}

// `key` is a keyword on MySQL too, quoted there with backticks
const quoteFor = (d: Dialect) => (c: string) => (c !== 'key' ? c : d === 'mysql' ? '`key`' : '"key"');

/** The DDL statements that create `t` in `dialect`, one statement per string. */
export function createTableSql(t: TableSpec, dialect: Dialect): string[] {
  const quote = quoteFor(dialect);
  const lines = t.columns.map(([c, type]) => `${quote(c)} ${sqlType(type, dialect)}${type.endsWith('?') ? '' : ' NOT NULL'}`);
  const rowid = ROWID_TABLES.has(t.name);
  if (dialect === 'postgresql' && rowid) lines.unshift('rowid bigint generated always as identity');
  if (dialect === 'mysql' && rowid) lines.unshift('rowid BIGINT NOT NULL AUTO_INCREMENT');
  lines.push(`PRIMARY KEY (${t.primaryKey.join(', ')})`);
  if (dialect === 'mysql' && rowid) lines.push(`UNIQUE KEY orch_ix_${t.name}_rowid (rowid)`);
  for (const [column, target] of t.foreignKeys ?? []) {
    if (dialect !== 'sqlite' && SKIPPED_FKS.has(`${t.name}.${column}`)) continue;
    lines.push(`FOREIGN KEY (${column}) REFERENCES ${target}`);
  }
  for (const [name, cols] of t.uniques ?? []) lines.push(`CONSTRAINT ${name} UNIQUE (${cols.join(', ')})`);
  const out = [`CREATE TABLE ${t.name} (\n  ${lines.join(',\n  ')}\n)`];
  for (const [name, cols, unique] of t.indexes)
    out.push(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${t.name} (${cols.map(quote).join(', ')})`);
  if (dialect === 'postgresql' && rowid) out.push(`CREATE UNIQUE INDEX orch_ix_${t.name}_rowid ON ${t.name} (rowid)`);
  return out;
}
