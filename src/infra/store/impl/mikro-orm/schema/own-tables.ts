import type { TableSpec } from './shared-tables.js';

/**
 * The project's own tables: what only this orchestrator keeps, under a prefix DECNET never uses,
 * so they live beside DECNET's tables in either owner's database without touching them.
 */
export const OWN_TABLES: readonly TableSpec[] = [
  {
    // how to reach a Docker engine (issue 6); DECNET's swarm_hosts knows agents, not engines
    name: 'orch_swarm_hosts',
    columns: [
      ['uuid', 'S'],
      ['name', 'S'],
      ['endpoint', 'T'],
      ['tls_ca', 'T?'],
      ['tls_cert', 'T?'],
      ['tls_key', 'T?'],
      ['shares_network', 'B'],
      ['state', 'S'],
      ['last_seen', 'DT?'],
      ['last_error', 'T?'],
      ['created_at', 'DT'],
    ],
    primaryKey: ['uuid'],
    indexes: [['orch_ix_swarm_hosts_name', ['name'], true]],
    needed: [],
  },
  {
    // topology settings DECNET has no column for (issue 3: the personas' default zone)
    name: 'orch_topologies',
    columns: [
      ['id', 'S'],
      ['timezone', 'S?'],
      ['updated_at', 'DT'],
    ],
    primaryKey: ['id'],
    indexes: [],
    needed: [],
  },
  {
    // the Docker host a topology decky was last seen on (DECNET's row has no host column)
    name: 'orch_topology_decky_hosts',
    columns: [
      ['topology_id', 'S'],
      ['name', 'S'],
      ['host_uuid', 'S'],
    ],
    primaryKey: ['topology_id', 'name'],
    indexes: [['orch_ix_topology_decky_hosts_host', ['host_uuid']]],
    needed: [],
  },
  {
    // who wrote a synthetic file, as the realism planner keys it (persona email or login);
    // DECNET's `persona` column holds the display name
    name: 'orch_synthetic_file_authors',
    columns: [
      ['decky_uuid', 'S(64)'],
      ['path', 'S(512)'],
      ['author', 'S'],
    ],
    primaryKey: ['decky_uuid', 'path'],
    indexes: [],
    needed: [],
  },
  {
    // which deckies got their past (issue 7), so it is given once, ever
    name: 'orch_decky_backfills',
    columns: [
      ['decky_uuid', 'S'],
      ['kind', 'S'],
      ['status', 'S'],
      ['at', 'DT'],
      ['attempts', 'I'],
      ['items', 'I'],
      ['failures', 'I'],
      ['detail', 'T?'],
    ],
    primaryKey: ['decky_uuid', 'kind'],
    indexes: [],
    needed: [],
  },
];

/**
 * Indexes this project adds to the shared tables of a database it owns (never to DECNET's):
 * the reply lookups walk Message-IDs and case-folded address pairs.
 */
export const OWN_INDEXES = [
  'CREATE INDEX orch_ix_orchestrator_emails_message_id ON orchestrator_emails (message_id)',
  'CREATE INDEX orch_ix_orchestrator_emails_pair_ts ON orchestrator_emails (lower(sender_email), lower(recipient_email), ts)',
];

/** OWN_INDEXES as `d` takes them: MariaDB has no index on an expression, so MySQL gets the Message-ID one only. */
export function ownIndexes(d: 'sqlite' | 'postgresql' | 'mysql'): string[] {
  return d === 'mysql' ? OWN_INDEXES.filter((sql) => !sql.includes('lower(')) : [...OWN_INDEXES];
}
