import type { Db } from '../orm.types.js';
import { createTableSql, type Dialect, SHARED_TABLES } from './shared-tables.js';
import { OWN_INDEXES } from './own-tables.js';

/** Tables of this project's earlier schema (migrations 0001–0006 in `mikro_orm_migrations`). */
export const LEGACY_TABLES = [
  'topology_deckies',
  'topologies',
  'fleet_deckies',
  'decky_shards',
  'swarm_hosts',
  'orchestrator_events',
  'orchestrator_emails',
  'synthetic_files',
  'decky_backfills',
] as const;

// the earlier schema kept ISO-8601 UTC text (`2025-01-02T03:04:05.678Z`); DECNET keeps naive UTC.
function time(col: string, d: Dialect): string {
  return d === 'sqlite' ? `substr(${col}, 1, 10) || ' ' || substr(${col}, 12, 12) || '000'` : `(${col}::timestamptz at time zone 'UTC')`;
}

// uuid4 text: PostgreSQL 13+ has one built in; SQLite builds it from random bytes, per row.
function uuid4(d: Dialect): string {
  if (d === 'postgresql') return 'gen_random_uuid()::text';
  const hex = (n: number) => `lower(hex(randomblob(${n})))`;
  return `${hex(4)} || '-' || ${hex(2)} || '-4' || substr(${hex(2)}, 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(${hex(2)}, 2) || '-' || ${hex(6)}`;
}

// JSON the earlier schema kept as jsonb on PostgreSQL and text on SQLite
const text = (col: string, d: Dialect) => (d === 'postgresql' ? `${col}::text` : col);
const bool = (col: string, d: Dialect) => (d === 'postgresql' ? `(${col} is true)` : col);

/**
 * Reshapes a database of this project's earlier schema into DECNET's shape in place, rows kept:
 * renames the old tables aside, creates the shared tables, copies every row converted (columns
 * renamed, timestamps to naive UTC text, synthetic files given uuids), fills the project's own
 * tables with what DECNET has no column for, and drops the old tables. Runs in the caller's
 * transaction. Topology names made unique (DECNET's index) get ` (<id8>)`; a shard name on two
 * hosts (DECNET keys shards by name) keeps the row seen last.
 */
export async function reshapeLegacy(trx: Db, d: Dialect): Promise<void> {
  for (const t of LEGACY_TABLES) await trx.raw(`alter table ${t} rename to legacy_${t}`);
  for (const t of SHARED_TABLES) for (const sql of createTableSql(t, d)) await trx.raw(sql);
  for (const sql of OWN_INDEXES) await trx.raw(sql);
  for (const sql of copies(d)) await trx.raw(sql);
  for (const t of LEGACY_TABLES) await trx.raw(`drop table legacy_${t}`);
  await trx.raw('drop table mikro_orm_migrations');
}

function copies(d: Dialect): string[] {
  const T = (c: string) => time(c, d);
  return [
    `insert into swarm_hosts (uuid, name, address, agent_port, status, last_heartbeat, client_cert_fingerprint, updater_cert_fingerprint,
       cert_bundle_path, enrolled_at, notes, use_ipvlan)
     select uuid, name, endpoint, 8765, case state when 'online' then 'active' when 'unreachable' then 'unreachable' else 'enrolled' end,
       ${T('last_seen')}, '', null, '', ${T('created_at')}, null, ${d === 'sqlite' ? '0' : 'false'} from legacy_swarm_hosts`,
    `insert into orch_swarm_hosts (uuid, name, endpoint, tls_ca, tls_cert, tls_key, shares_network, state, last_seen, last_error, created_at)
     select uuid, name, endpoint, tls_ca, tls_cert, tls_key, ${bool('shares_network', d)}, state, ${T('last_seen')}, last_error, ${T('created_at')}
       from legacy_swarm_hosts`,
    `insert into topologies (id, name, mode, target_host_uuid, config_snapshot, status, status_changed_at, created_at, version, needs_resync,
       email_personas, language_default)
     select id, case when (select count(*) from legacy_topologies o where o.name = t.name) > 1 then t.name || ' (' || substr(t.id, 1, 8) || ')' else t.name end,
       'unihost', null, '{}', 'active', ${T('updated_at')}, ${T('created_at')}, 1, ${d === 'sqlite' ? '0' : 'false'},
       ${text('email_personas', d)}, language_default from legacy_topologies t`,
    `insert into orch_topologies (id, timezone, updated_at) select id, timezone, ${T('updated_at')} from legacy_topologies`,
    `insert into topology_deckies (uuid, topology_id, name, services, decky_config, ip, state, last_error, compose_hash, last_seen, updated_at, x, y)
     select uuid, topology_id, name, services, null, ip, state, null, null, ${T('last_seen')}, ${T('updated_at')}, null, null from legacy_topology_deckies`,
    `insert into orch_topology_decky_hosts (topology_id, name, host_uuid)
     select topology_id, name, host_uuid from legacy_topology_deckies where host_uuid is not null`,
    `insert into fleet_deckies (host_uuid, name, services, decky_config, decky_ip, state, last_error, compose_hash, last_seen, updated_at)
     select host_uuid, name, services, null, ip, state, null, null, ${T('last_seen')}, ${T('updated_at')} from legacy_fleet_deckies`,
    `insert into decky_shards (decky_name, host_uuid, services, decky_config, decky_ip, state, last_error, compose_hash, last_seen, updated_at)
     select name, host_uuid, services, null, ip, state, null, null, ${T('last_seen')}, ${T('updated_at')} from legacy_decky_shards s
      where not exists (select 1 from legacy_decky_shards o where o.name = s.name
                          and (o.updated_at > s.updated_at or (o.updated_at = s.updated_at and o.host_uuid > s.host_uuid)))`,
    // insertion order kept: rowid breaks ties between equal timestamps
    `insert into orchestrator_events (uuid, ts, kind, protocol, action, src_decky_uuid, dst_decky_uuid, success, payload)
     select uuid, ${T('ts')}, kind, protocol, action, src_decky_uuid, dst_decky_uuid, success, ${text('payload', d)}
       from legacy_orchestrator_events order by rowid`,
    `insert into orchestrator_emails (uuid, ts, mail_decky_uuid, thread_id, message_id, in_reply_to, sender_email, recipient_email, subject,
       language, eml_path, success, payload)
     select uuid, ${T('ts')}, mail_decky_uuid, thread_id, message_id, in_reply_to, sender_email, recipient_email, subject, language, eml_path,
       success, ${text('payload', d)} from legacy_orchestrator_emails order by rowid`,
    `insert into synthetic_files (uuid, decky_uuid, path, persona, content_class, created_at, last_modified, edit_count, content_hash, last_body)
     select ${uuid4(d)}, decky_uuid, path, coalesce(author, ''), content_class, ${T('created_at')}, ${T('last_modified')}, edit_count,
       content_hash, body from legacy_synthetic_files order by id`,
    `insert into orch_synthetic_file_authors (decky_uuid, path, author)
     select decky_uuid, path, author from legacy_synthetic_files where author is not null`,
    `insert into orch_decky_backfills (decky_uuid, kind, status, at, attempts, items, failures, detail)
     select decky_uuid, kind, status, ${T('at')}, attempts, items, failures, detail from legacy_decky_backfills`,
  ];
}
