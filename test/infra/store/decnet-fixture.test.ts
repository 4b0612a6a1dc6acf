import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, DECNET_REVISION, DECNET_TABLES, makeDecnetDb, tablesOf } from '../../fixtures/decnet/decnet-db.js';
import { tempDir } from './store-fixtures.js';

const columnsOf = async (db: string, table: string) =>
  (await all<{ name: string }>(db, `select name from pragma_table_info('${table}')`)).map((c) => c.name);

describe('the DECNET database fixture', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('has the shared tables and alembic_version at the baseline revision', async () => {
    const db = tmp.dbPath();
    await makeDecnetDb(db);
    expect(await tablesOf(db)).toEqual([...DECNET_TABLES]);
    expect(await all(db, 'select version_num from alembic_version')).toEqual([{ version_num: DECNET_REVISION }]);
  });

  it("has DECNET's columns, not the orchestrator's earlier ones", async () => {
    const db = tmp.dbPath();
    await makeDecnetDb(db);
    expect(await columnsOf(db, 'fleet_deckies')).toContain('decky_ip');
    expect(await columnsOf(db, 'decky_shards')).toEqual(expect.arrayContaining(['decky_name', 'host_uuid', 'decky_ip']));
    expect(await columnsOf(db, 'synthetic_files')).toEqual(expect.arrayContaining(['uuid', 'persona', 'last_body']));
    expect(await columnsOf(db, 'topology_deckies')).not.toContain('host_uuid');
  });

  it('can be spoiled: another revision, a missing column', async () => {
    const db = tmp.dbPath();
    await makeDecnetDb(db, { revision: 'ffffffffffff', dropColumn: { table: 'fleet_deckies', column: 'decky_ip' } });
    expect(await all(db, 'select version_num from alembic_version')).toEqual([{ version_num: 'ffffffffffff' }]);
    expect(await columnsOf(db, 'fleet_deckies')).not.toContain('decky_ip');
  });
});
