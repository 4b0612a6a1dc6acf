import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/migrations.list.js';
import { PG_MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/postgres/migrations.pg.list.js';
import { OWN_MIGRATIONS, SHARED_MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/schema/migrate.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { buildLegacyDb, LEGACY, seedLegacyRows } from './legacy-db.js';
import { anEmail, anEvent, type StoreDialect, sql, storeDialects, tempDir } from './store-fixtures.js';

// DECNET's shared tables (DECNET-COMPAT §2), the project's own (prefixed) and its migrations table
const TABLES = [
  'canary_tokens',
  'decky_shards',
  'fleet_deckies',
  'orch_decky_backfills',
  'orch_migrations',
  'orch_swarm_hosts',
  'orch_synthetic_file_authors',
  'orch_topologies',
  'orch_topology_decky_hosts',
  'orchestrator_emails',
  'orchestrator_events',
  'realism_config',
  'swarm_hosts',
  'synthetic_files',
  'topologies',
  'topology_deckies',
];
const NAMES = [...OWN_MIGRATIONS, ...SHARED_MIGRATIONS].map((m) => m.name).sort();

/** The catalogue questions the tests ask, in each dialect's words. */
const catalogue = {
  sqlite: {
    tables: "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    indexes: (table: string) => `select name from sqlite_master where type = 'index' and tbl_name = '${table}'`,
    indexColumns: (index: string) => `select name from pragma_index_info('${index}')`,
    foreignKeys: (table: string) => `select * from pragma_foreign_key_list('${table}')`,
    columns: (table: string) => `select name from pragma_table_info('${table}') order by cid`,
  },
  postgresql: {
    tables: "select table_name as name from information_schema.tables where table_schema = 'public' order by table_name",
    indexes: (table: string) => `select indexname as name from pg_indexes where schemaname = 'public' and tablename = '${table}'`,
    indexColumns: (index: string) =>
      `select a.attname as name from pg_index i join pg_class c on c.oid = i.indexrelid join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where c.relname = '${index}' order by array_position(i.indkey, a.attnum)`,
    foreignKeys: (table: string) => `select conname from pg_constraint where contype = 'f' and conrelid = '${table}'::regclass`,
    columns: (table: string) =>
      `select column_name as name from information_schema.columns where table_name = '${table}' and column_name <> 'rowid' order by ordinal_position`,
  },
  mariadb: {
    tables: 'select table_name as name from information_schema.tables where table_schema = database() order by binary table_name',
    indexes: (table: string) =>
      `select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = '${table}'`,
    indexColumns: (index: string) =>
      `select column_name as name from information_schema.statistics where table_schema = database() and index_name = '${index}' order by seq_in_index`,
    foreignKeys: (table: string) =>
      `select constraint_name from information_schema.referential_constraints where constraint_schema = database() and table_name = '${table}'`,
    columns: (table: string) =>
      `select column_name as name from information_schema.columns where table_schema = database() and table_name = '${table}' and column_name <> 'rowid' order by ordinal_position`,
  },
} as const;

describe('migration lists', () => {
  it('gives PostgreSQL a twin of every SQLite migration of the earlier schema, in the same order', () => {
    expect(PG_MIGRATIONS.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('names every project migration apart from DECNET’s alembic revisions', () => {
    expect(NAMES.every((n) => /^(orch|decnet)-\d{4}-/.test(n))).toBe(true);
  });
});

describe.each(await storeDialects())('store migrations on $name', (d: StoreDialect) => {
  const q = catalogue[d.name];
  const names = async (db: string, query: string) => (await d.sql<{ name: string }>(db, query)).map((r) => r.name);
  afterAll(() => d.cleanup());

  async function indexedColumns(db: string, table: string): Promise<string[]> {
    const indexed = await d.sql<{ name: string }>(db, q.indexes(table));
    return Promise.all(indexed.map(async (i) => (await d.sql<{ name: string }>(db, q.indexColumns(i.name))).map((c) => c.name).join(',')));
  }

  it("creates DECNET's shared tables and the project's own from an empty database, recorded in orch_migrations", async () => {
    const db = await d.fresh();
    const store = await openStore({ dbPath: db });
    expect(store.owner).toBe('project');
    await store.close();
    expect(await names(db, q.tables)).toEqual(TABLES);
    expect((await names(db, 'select name from orch_migrations')).sort()).toEqual(NAMES);
  });

  it("gives the shared tables DECNET's columns, in DECNET's order", async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    expect(await names(db, q.columns('fleet_deckies'))).toEqual([
      'host_uuid',
      'name',
      'services',
      'decky_config',
      'decky_ip',
      'state',
      'last_error',
      'compose_hash',
      'last_seen',
      'updated_at',
    ]);
    expect((await names(db, q.columns('decky_shards'))).slice(0, 2)).toEqual(['decky_name', 'host_uuid']);
    expect(await names(db, q.columns('synthetic_files'))).toEqual([
      'uuid',
      'decky_uuid',
      'path',
      'persona',
      'content_class',
      'created_at',
      'last_modified',
      'edit_count',
      'content_hash',
      'last_body',
    ]);
    expect(await names(db, q.columns('topologies'))).toContain('email_personas');
  });

  it('is idempotent: reopening applies nothing and keeps the data', async () => {
    const db = await d.fresh();
    const first = await openStore({ dbPath: db });
    await first.inventory.reconcileHost('local', [{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.1', running: true }], {
      remote: false,
    });
    await first.close();
    const second = await openStore({ dbPath: db });
    expect(await second.inventory.listRunningDeckies()).toHaveLength(1);
    await second.close();
    expect(await d.sql(db, 'select * from orch_migrations')).toHaveLength(NAMES.length);
  });

  // the earlier schema only ever ran on SQLite and PostgreSQL: MySQL has nothing to upgrade
  if (d.name !== 'mariadb')
    it('upgrades a database of the earlier schema in place, every row kept and reshaped', async () => {
      const db = await d.fresh();
      await buildLegacyDb(d, db);
      await seedLegacyRows(d, db);
      const store = await openStore({ dbPath: db });
      try {
        expect(store.owner).toBe('project');
        expect(await store.inventory.listRunningDeckies()).toEqual([
          { uuid: 'local:web01', name: 'web01', ip: '10.0.0.1', services: ['ssh'], source: 'fleet', hostUuid: 'local' },
          {
            uuid: `${LEGACY.host}:db01`,
            name: 'db01',
            ip: '10.1.0.1',
            services: ['ssh'],
            source: 'shard',
            hostUuid: LEGACY.host,
            sharesNetwork: true,
          },
          {
            uuid: LEGACY.topologyDecky,
            name: 'mail01',
            ip: '10.0.0.2',
            services: ['imap', 'ssh'],
            source: 'topology',
            topologyId: LEGACY.topology,
            hostUuid: 'local',
          },
        ]);
        expect(await store.inventory.getTopology(LEGACY.topology)).toMatchObject({
          name: 'corp',
          languageDefault: 'de',
          timezone: 'Europe/Berlin',
          emailPersonas: [{ name: 'Ann', email: 'ann@corp.example', role: 'CFO' }],
          createdAt: new Date('2025-01-01T00:00:00Z'),
          updatedAt: new Date('2025-01-02T00:00:00Z'),
        });
        const events = await store.events.listEvents({ limit: 10, offset: 0 });
        // same ts: insertion order kept, newest (last inserted) first
        expect(events.data.map((e) => e.uuid)).toEqual([...LEGACY.events].reverse());
        expect(events.data[0]).toMatchObject({
          ts: new Date('2025-01-04T00:00:00.789Z'),
          success: true,
          payload: { banner: 'SSH-2.0-x', rc: 0 },
        });
        expect(await store.emails.findLatestBetween('bob@corp.example', 'ann@corp.example')).toMatchObject({ uuid: LEGACY.email });
        expect(await store.files.getFile('local:web01', '/home/ann/notes.txt')).toMatchObject({
          author: 'ann@corp.example',
          editCount: 1,
          body: 'hello\n',
          bodyTruncated: false,
          lastModified: new Date('2025-01-02T00:00:00Z'),
        });
        expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({
          status: 'done',
          items: 12,
          at: new Date('2025-01-06T00:00:00Z'),
        });
        expect(await store.swarm.getHost('b')).toMatchObject({
          uuid: LEGACY.host,
          endpoint: 'tcp://10.0.0.2:2376',
          sharesNetwork: true,
          state: 'online',
        });
        await store.events.recordEvents([anEvent()]);
      } finally {
        await store.close();
      }
      expect(await names(db, q.tables)).toEqual(TABLES);
      const [file] = await d.sql<{ uuid: string }>(db, 'select uuid from synthetic_files');
      expect(file!.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      if (d.name === 'sqlite') {
        expect(await d.sql(db, 'select last_seen from fleet_deckies')).toEqual([{ last_seen: '2025-01-03 00:00:00.456000' }]);
      }
    });

  if (d.name !== 'mariadb')
    it('brings a database at the earlier migration 1 through the rest before reshaping it', async () => {
      const db = await d.fresh();
      await buildLegacyDb(d, db, '0001-inventory-and-events');
      const upgraded = await openStore({ dbPath: db });
      await upgraded.emails.recordEmails([anEmail()]);
      expect(await upgraded.emails.listEmails({ limit: 10, offset: 0 })).toMatchObject({ total: 1 });
      expect(await upgraded.swarm.addHost({ name: 'b', endpoint: 'tcp://10.0.0.2:2376', sharesNetwork: true })).toMatchObject({
        sharesNetwork: true,
      });
      await upgraded.close();
      expect(await names(db, q.tables)).toEqual(TABLES);
    });

  it('gives orchestrator_events no foreign keys and the indexes of SPEC §4.1', async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    expect(await d.sql(db, q.foreignKeys('orchestrator_events'))).toEqual([]);
    expect(await indexedColumns(db, 'orchestrator_events')).toEqual(
      expect.arrayContaining(['ts', 'kind', 'src_decky_uuid', 'dst_decky_uuid', 'success', 'dst_decky_uuid,ts']),
    );
  });

  it('gives orchestrator_emails the indexes of SPEC §4.2', async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    expect(await indexedColumns(db, 'orchestrator_emails')).toEqual(expect.arrayContaining(['mail_decky_uuid,ts', 'thread_id']));
  });

  it('lets two stores opened at once on a fresh database both migrate and write without lock errors', async () => {
    const db = await d.fresh();
    const [a, b] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    await Promise.all([
      ...Array.from({ length: 20 }, () => a.events.recordEvents([anEvent(), anEvent()])),
      ...Array.from({ length: 20 }, () => b.events.recordEvents([anEvent()])),
    ]);
    expect((await a.events.listEvents({ limit: 1, offset: 0 })).total).toBe(60);
    await Promise.all([a.close(), b.close()]);
    expect(await d.sql(db, 'select * from orch_migrations')).toHaveLength(NAMES.length);
  });
});

describe('store migrations, SQLite only', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('creates the file in a directory that did not exist', async () => {
    const dbPath = join(tmp.dir, 'nested', 'deeper', 'decnet.sqlite');
    await (await openStore({ dbPath })).close();
    expect((await sql<{ name: string }>(dbPath, catalogue.sqlite.tables)).map((t) => t.name)).toEqual(TABLES);
  });

  it('puts the file in WAL mode so a second process can read while one writes', async () => {
    const dbPath = tmp.dbPath();
    await (await openStore({ dbPath })).close();
    expect(await sql(dbPath, 'pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('fails clearly when the path is not a database', async () => {
    const dbPath = join(tmp.dir, 'garbage', 'not-a-db.sqlite');
    await mkdir(join(tmp.dir, 'garbage'), { recursive: true });
    await writeFile(dbPath, 'this is not sqlite '.repeat(100));
    await expect(openStore({ dbPath })).rejects.toThrow(/not a database/);
  });

  it("refuses a database holding DECNET's tables without alembic_version, writing nothing", async () => {
    const dbPath = tmp.dbPath();
    await sql(dbPath, 'create table fleet_deckies (host_uuid varchar not null, name varchar not null)');
    await expect(openStore({ dbPath })).rejects.toThrow(
      /fleet_deckies table but neither DECNET's alembic_version nor this orchestrator's migrations/,
    );
    expect((await sql<{ name: string }>(dbPath, catalogue.sqlite.tables)).map((t) => t.name)).toEqual(['fleet_deckies']);
  });
});
