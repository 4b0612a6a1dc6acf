import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { anEmail, anEvent, sql, tempDir } from './store-fixtures.js';

const TABLES = [
  'decky_shards',
  'fleet_deckies',
  'mikro_orm_migrations',
  'orchestrator_emails',
  'orchestrator_events',
  'swarm_hosts',
  'topologies',
  'topology_deckies',
];

describe('store migrations', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('creates every table from an empty file, in a directory that did not exist', async () => {
    const dbPath = join(tmp.dir, 'nested', 'deeper', 'decnet.sqlite');
    const store = await openStore({ dbPath });
    await store.close();
    const tables = await sql<{ name: string }>(dbPath, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name");
    expect(tables.map((t) => t.name)).toEqual(TABLES);
    const applied = await sql<{ name: string }>(dbPath, 'select name from mikro_orm_migrations order by id');
    expect(applied.map((m) => m.name)).toEqual(['0001-inventory-and-events', '0002-emails', '0003-topology-timezone']);
  });

  it('is idempotent: reopening applies nothing and keeps the data', async () => {
    const dbPath = tmp.dbPath();
    const first = await openStore({ dbPath });
    await first.inventory.reconcileHost('local', [{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.1', running: true }], { remote: false });
    await first.close();
    const second = await openStore({ dbPath });
    expect(await second.inventory.listRunningDeckies()).toHaveLength(1);
    await second.close();
    expect(await sql(dbPath, 'select * from mikro_orm_migrations')).toHaveLength(3);
  });

  it('applies only the missing migrations to a database at migration 1', async () => {
    const dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.close();
    // roll the file back to "migration 1 only", as a database from the first release would be.
    await sql(dbPath, 'drop table orchestrator_emails');
    await sql(dbPath, 'alter table topologies drop column timezone');
    await sql(dbPath, "delete from mikro_orm_migrations where name <> '0001-inventory-and-events'");
    const upgraded = await openStore({ dbPath });
    await upgraded.emails.recordEmails([anEmail()]);
    expect(await upgraded.emails.listEmails({ limit: 10, offset: 0 })).toMatchObject({ total: 1 });
    await upgraded.close();
    expect(await sql(dbPath, "select name from pragma_table_info('topologies') where name = 'timezone'")).toHaveLength(1);
  });

  it('puts the file in WAL mode so a second process can read while one writes', async () => {
    const dbPath = tmp.dbPath();
    await (await openStore({ dbPath })).close();
    expect(await sql(dbPath, 'pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('gives orchestrator_events no foreign keys and the indexes of SPEC §4.1', async () => {
    const dbPath = tmp.dbPath();
    await (await openStore({ dbPath })).close();
    expect(await sql(dbPath, "select * from pragma_foreign_key_list('orchestrator_events')")).toEqual([]);
    const indexed = await sql<{ name: string }>(dbPath, "select name from sqlite_master where type = 'index' and tbl_name = 'orchestrator_events'");
    const columns = await Promise.all(
      indexed.map(async (i) => (await sql<{ name: string }>(dbPath, `select name from pragma_index_info('${i.name}')`)).map((c) => c.name).join(',')),
    );
    expect(columns).toEqual(expect.arrayContaining(['ts', 'kind', 'src_decky_uuid', 'dst_decky_uuid', 'success', 'dst_decky_uuid,ts']));
  });

  it('gives orchestrator_emails the indexes of SPEC §4.2', async () => {
    const dbPath = tmp.dbPath();
    await (await openStore({ dbPath })).close();
    const indexed = await sql<{ name: string }>(dbPath, "select name from sqlite_master where type = 'index' and tbl_name = 'orchestrator_emails'");
    const columns = await Promise.all(
      indexed.map(async (i) => (await sql<{ name: string }>(dbPath, `select name from pragma_index_info('${i.name}')`)).map((c) => c.name).join(',')),
    );
    expect(columns).toEqual(expect.arrayContaining(['mail_decky_uuid,ts', 'thread_id']));
  });

  it('lets two stores opened at once on a fresh file both migrate and write without lock errors', async () => {
    const dbPath = tmp.dbPath();
    const [a, b] = await Promise.all([openStore({ dbPath }), openStore({ dbPath })]);
    await Promise.all([
      ...Array.from({ length: 20 }, () => a.events.recordEvents([anEvent(), anEvent()])),
      ...Array.from({ length: 20 }, () => b.events.recordEvents([anEvent()])),
    ]);
    expect((await a.events.listEvents({ limit: 1, offset: 0 })).total).toBe(60);
    await Promise.all([a.close(), b.close()]);
    expect(await sql(dbPath, 'select * from mikro_orm_migrations')).toHaveLength(3);
  });

  it('fails clearly when the path is not a database', async () => {
    const dbPath = join(tmp.dir, 'garbage', 'not-a-db.sqlite');
    await mkdir(join(tmp.dir, 'garbage'), { recursive: true });
    await writeFile(dbPath, 'this is not sqlite '.repeat(100));
    await expect(openStore({ dbPath })).rejects.toThrow(/not a database/);
  });
});
