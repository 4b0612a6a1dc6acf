import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/migrations.list.js';
import { PG_MIGRATIONS } from '../../../src/infra/store/impl/mikro-orm/migrations/postgres/migrations.pg.list.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { anEmail, anEvent, type StoreDialect, sql, storeDialects, tempDir } from './store-fixtures.js';

const TABLES = [
  'decky_backfills',
  'decky_shards',
  'fleet_deckies',
  'mikro_orm_migrations',
  'orchestrator_emails',
  'orchestrator_events',
  'swarm_hosts',
  'synthetic_files',
  'topologies',
  'topology_deckies',
];
const NAMES = MIGRATIONS.map((m) => m.name);

/** The catalogue questions the tests ask, in each dialect's words. */
const catalogue = {
  sqlite: {
    tables: "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    indexes: (table: string) => `select name from sqlite_master where type = 'index' and tbl_name = '${table}'`,
    indexColumns: (index: string) => `select name from pragma_index_info('${index}')`,
    foreignKeys: (table: string) => `select * from pragma_foreign_key_list('${table}')`,
    hasColumn: (table: string, column: string) => `select name from pragma_table_info('${table}') where name = '${column}'`,
  },
  postgresql: {
    tables: "select table_name as name from information_schema.tables where table_schema = 'public' order by table_name",
    indexes: (table: string) => `select indexname as name from pg_indexes where schemaname = 'public' and tablename = '${table}'`,
    indexColumns: (index: string) =>
      `select a.attname as name from pg_index i join pg_class c on c.oid = i.indexrelid join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where c.relname = '${index}' order by array_position(i.indkey, a.attnum)`,
    foreignKeys: (table: string) => `select conname from pg_constraint where contype = 'f' and conrelid = '${table}'::regclass`,
    hasColumn: (table: string, column: string) =>
      `select column_name as name from information_schema.columns where table_name = '${table}' and column_name = '${column}'`,
  },
} as const;

describe('migration lists', () => {
  it('gives PostgreSQL a twin of every SQLite migration, in the same order', () => {
    expect(PG_MIGRATIONS.map((m) => m.name)).toEqual(NAMES);
  });
});

describe.each(await storeDialects())('store migrations on $name', (d: StoreDialect) => {
  const q = catalogue[d.name];
  afterAll(() => d.cleanup());

  async function indexedColumns(db: string, table: string): Promise<string[]> {
    const indexed = await d.sql<{ name: string }>(db, q.indexes(table));
    return Promise.all(indexed.map(async (i) => (await d.sql<{ name: string }>(db, q.indexColumns(i.name))).map((c) => c.name).join(',')));
  }

  it('creates every table from an empty database', async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    expect((await d.sql<{ name: string }>(db, q.tables)).map((t) => t.name)).toEqual(TABLES);
    const applied = await d.sql<{ name: string }>(db, 'select name from mikro_orm_migrations order by id');
    expect(applied.map((m) => m.name)).toEqual(NAMES);
  });

  it('is idempotent: reopening applies nothing and keeps the data', async () => {
    const db = await d.fresh();
    const first = await openStore({ dbPath: db });
    await first.inventory.reconcileHost('local', [{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.1', running: true }], { remote: false });
    await first.close();
    const second = await openStore({ dbPath: db });
    expect(await second.inventory.listRunningDeckies()).toHaveLength(1);
    await second.close();
    expect(await d.sql(db, 'select * from mikro_orm_migrations')).toHaveLength(NAMES.length);
  });

  it('applies only the missing migrations to a database at migration 1', async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    // roll the database back to "migration 1 only", as one from the first release would be.
    await d.sql(db, 'drop table orchestrator_emails');
    await d.sql(db, 'drop table synthetic_files');
    await d.sql(db, 'alter table topologies drop column timezone');
    for (const column of ['tls_ca', 'tls_cert', 'tls_key', 'shares_network', 'last_error']) await d.sql(db, `alter table swarm_hosts drop column ${column}`);
    await d.sql(db, "delete from mikro_orm_migrations where name <> '0001-inventory-and-events'");
    const upgraded = await openStore({ dbPath: db });
    await upgraded.emails.recordEmails([anEmail()]);
    expect(await upgraded.emails.listEmails({ limit: 10, offset: 0 })).toMatchObject({ total: 1 });
    expect(await upgraded.swarm.addHost({ name: 'b', endpoint: 'tcp://10.0.0.2:2376', sharesNetwork: true })).toMatchObject({ sharesNetwork: true });
    await upgraded.close();
    expect(await d.sql(db, q.hasColumn('topologies', 'timezone'))).toHaveLength(1);
    expect((await d.sql<{ name: string }>(db, 'select name from mikro_orm_migrations order by id')).map((m) => m.name)).toEqual(NAMES);
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
    expect(await d.sql(db, 'select * from mikro_orm_migrations')).toHaveLength(NAMES.length);
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
});
