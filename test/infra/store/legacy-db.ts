import { createHash } from 'node:crypto';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgOrm } from '@mikro-orm/postgresql';
import { MikroORM as SqliteOrm } from '@mikro-orm/sqlite';
import { STORE_ENTITIES } from '../../../src/infra/store/impl/mikro-orm/entities/store.entities.js';
import { MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/migrations.list.js';
import { PG_MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/postgres/migrations.pg.list.js';
import type { StoreDialect } from './store-fixtures.js';

/**
 * Builds a database of this project's earlier schema, as its earlier versions did: the
 * checked-in MikroORM migrations (up to `to`) recorded in `mikro_orm_migrations`.
 */
export async function buildLegacyDb(d: StoreDialect, db: string, to?: string): Promise<void> {
  const common = {
    entities: STORE_ENTITIES,
    extensions: [Migrator],
    ensureDatabase: false,
    allowGlobalContext: false,
    debug: false,
  };
  const orm =
    d.name === 'sqlite'
      ? await SqliteOrm.init({ ...common, dbName: db, migrations: { migrationsList: MIGRATIONS, snapshot: false, silent: true } })
      : await PgOrm.init({ ...common, clientUrl: db, migrations: { migrationsList: PG_MIGRATIONS, snapshot: false, silent: true } });
  try {
    await orm.getMigrator().up(to === undefined ? undefined : { to });
  } finally {
    await orm.close(true);
  }
}

/** Ids of the rows `seedLegacyRows` writes. */
export const LEGACY = {
  topology: '11111111-2222-4333-8444-555555555555',
  topologyDecky: '22222222-2222-4333-8444-555555555555',
  host: '33333333-2222-4333-8444-555555555555',
  events: ['44444444-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000002'],
  email: '55555555-2222-4333-8444-555555555555',
};

const iso = (s: string) => new Date(s).toISOString();

/** Rows as the earlier store wrote them: ISO-8601 text dates, its own column names. */
export async function seedLegacyRows(d: StoreDialect, db: string): Promise<void> {
  const q = (sql: string, params: unknown[]) => d.sql(db, sql, params);
  await q(
    'insert into topologies (id, name, language_default, email_personas, created_at, updated_at, timezone) values (?, ?, ?, ?, ?, ?, ?)',
    [
      LEGACY.topology,
      'corp',
      'de',
      '[{"name":"Ann","email":"ann@corp.example","role":"CFO"}]',
      iso('2025-01-01T00:00:00Z'),
      iso('2025-01-02T00:00:00Z'),
      'Europe/Berlin',
    ],
  );
  await q(
    'insert into topology_deckies (uuid, topology_id, name, services, ip, state, host_uuid, last_seen, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      LEGACY.topologyDecky,
      LEGACY.topology,
      'mail01',
      '["imap","ssh"]',
      '10.0.0.2',
      'running',
      'local',
      iso('2025-01-03T00:00:00.123Z'),
      iso('2025-01-03T00:00:00.123Z'),
    ],
  );
  await q('insert into fleet_deckies (host_uuid, name, services, ip, state, last_seen, updated_at) values (?, ?, ?, ?, ?, ?, ?)', [
    'local',
    'web01',
    '["ssh"]',
    '10.0.0.1',
    'running',
    iso('2025-01-03T00:00:00.456Z'),
    iso('2025-01-03T00:00:00.456Z'),
  ]);
  await q(
    'insert into swarm_hosts (uuid, name, endpoint, state, last_seen, created_at, tls_ca, tls_cert, tls_key, shares_network, last_error) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      LEGACY.host,
      'b',
      'tcp://10.0.0.2:2376',
      'online',
      iso('2025-01-03T00:00:00Z'),
      iso('2025-01-01T00:00:00Z'),
      '/etc/ca.pem',
      null,
      null,
      true,
      null,
    ],
  );
  for (const [host, ts] of [
    [LEGACY.host, '2025-01-03T00:00:00Z'],
    ['host-old', '2025-01-02T00:00:00Z'],
  ] as const) {
    // the same shard name on two hosts: DECNET keys shards by name, the newer row is kept
    await q('insert into decky_shards (host_uuid, name, services, ip, state, last_seen, updated_at) values (?, ?, ?, ?, ?, ?, ?)', [
      host,
      'db01',
      '["ssh"]',
      host === LEGACY.host ? '10.1.0.1' : '10.9.0.1',
      'running',
      iso(ts),
      iso(ts),
    ]);
  }
  for (const uuid of LEGACY.events) {
    await q(
      'insert into orchestrator_events (uuid, ts, kind, protocol, action, src_decky_uuid, dst_decky_uuid, success, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        uuid,
        iso('2025-01-04T00:00:00.789Z'),
        'traffic',
        'ssh',
        'exec:tcp_connect:22',
        'local:web01',
        'host:db01',
        true,
        '{"banner":"SSH-2.0-x","rc":0}',
      ],
    );
  }
  await q(
    `insert into orchestrator_emails (uuid, ts, mail_decky_uuid, thread_id, message_id, in_reply_to, sender_email, recipient_email, subject, language, eml_path, success, payload)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      LEGACY.email,
      iso('2025-01-05T00:00:00Z'),
      'local:mail01',
      'thread-1',
      '<a@corp.example>',
      null,
      'Ann@Corp.example',
      'bob@corp.example',
      'Hi',
      'en',
      '/x.eml',
      true,
      '{}',
    ],
  );
  await q(
    `insert into synthetic_files (decky_uuid, path, author, content_class, created_at, last_modified, edit_count, content_hash, body, body_truncated)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      'local:web01',
      '/home/ann/notes.txt',
      'ann@corp.example',
      'notes',
      iso('2025-01-01T00:00:00Z'),
      iso('2025-01-02T00:00:00Z'),
      1,
      createHash('sha256').update('hello\n').digest('hex'),
      'hello\n',
      0,
    ],
  );
  await q('insert into decky_backfills (decky_uuid, kind, status, at, attempts, items, failures, detail) values (?, ?, ?, ?, ?, ?, ?, ?)', [
    'local:web01',
    'files',
    'done',
    iso('2025-01-06T00:00:00Z'),
    1,
    12,
    0,
    null,
  ]);
}
