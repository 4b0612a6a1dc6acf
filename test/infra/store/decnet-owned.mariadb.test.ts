import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreOwnershipError } from '../../../src/infra/store/store-errors.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { DECNET_TABLES } from '../../fixtures/decnet/decnet-db.js';
import { addMysqlFleetDecky, decnetMysqlChecksum, makeDecnetMysqlDb, mysqlAll, mysqlTablesOf } from '../../fixtures/decnet/decnet-mysql.js';
import { requireMariadbOrSkip } from '../../support/mariadb-server.js';
import { anEmail, anEvent, at, mariadbDialect, observed } from './store-fixtures.js';

describe.runIf(await requireMariadbOrSkip())("the store on DECNET's own MySQL database (MariaDB)", () => {
  const d = mariadbDialect();
  let store: Store | undefined;
  afterAll(() => d.cleanup());
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  const decnetDb = async (opts?: Parameters<typeof makeDecnetMysqlDb>[1]) => {
    const url = await d.fresh();
    await makeDecnetMysqlDb(url, opts);
    return url;
  };

  it("says DECNET owns it, adds only the project's prefixed tables and leaves DECNET's untouched", async () => {
    const db = await decnetDb();
    await addMysqlFleetDecky(db, 'web01', '10.0.0.5');
    const before = await decnetMysqlChecksum(db);
    store = await openStore({ dbPath: db });
    expect(store.owner).toBe('decnet');
    await store.inventory.reconcileHost('local', [observed('web01', { ip: '10.0.0.9' }), observed('web02')], { remote: false });
    await store.close();
    store = undefined;
    expect(await decnetMysqlChecksum(db)).toBe(before);
    const added = (await mysqlTablesOf(db)).filter((t) => !(DECNET_TABLES as readonly string[]).includes(t));
    expect(added.every((t) => t.startsWith('orch_'))).toBe(true);
    expect(added).toContain('orch_migrations');
  });

  it.each([
    [
      { revision: '000000000000' },
      /DECNET database at alembic revision 000000000000; this orchestrator knows 4a914b1d62a0: nothing written/,
    ],
    [{ dropColumn: { table: 'fleet_deckies', column: 'decky_ip' } }, /table fleet_deckies has no column decky_ip: nothing written/],
    [
      { dropColumn: { table: 'orchestrator_events', column: 'payload' } },
      /table orchestrator_events has no column payload: nothing written/,
    ],
    [{ dropTable: 'synthetic_files' }, /has no table synthetic_files: nothing written/],
  ])('refuses it when spoiled (%j), naming why, and creates nothing', async (opts, why) => {
    const db = await decnetDb(opts);
    const tables = await mysqlTablesOf(db);
    const err = await openStore({ dbPath: db }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOwnershipError);
    expect((err as Error).message).toMatch(why);
    expect(await mysqlTablesOf(db)).toEqual(tables);
  });

  it("reads DECNET's fleet rows with DECNET's ids", async () => {
    const db = await decnetDb();
    await addMysqlFleetDecky(db, 'web01', '10.0.0.5');
    await addMysqlFleetDecky(db, 'gone', '10.0.0.6', { state: 'torn_down' });
    store = await openStore({ dbPath: db });
    expect(await store.inventory.listRunningDeckies()).toEqual([
      { uuid: 'local:web01', name: 'web01', ip: '10.0.0.5', services: ['ssh'], source: 'fleet', hostUuid: 'local' },
    ]);
  });

  it('writes events and emails in DECNET formats, lists them newest first and prunes per destination', async () => {
    const db = await decnetDb();
    store = await openStore({ dbPath: db });
    const events = Array.from({ length: 6 }, (_, i) => anEvent({ ts: at(i), dstDeckyUuid: 'local:web02' }));
    await store.events.recordEvents(events);
    expect((await store.events.listEvents({ limit: 10, offset: 0 })).data.map((e) => e.uuid)).toEqual(events.map((e) => e.uuid).reverse());
    expect(await mysqlAll(db, 'select cast(ts as char) as ts, success, payload from orchestrator_events order by ts limit 1')).toEqual([
      { ts: '2025-01-01 00:00:00', success: 1, payload: '{"banner": "SSH-2.0-OpenSSH_9.2p1"}' },
    ]);
    expect(await store.events.pruneEvents(2)).toBe(4);
    const mail = anEmail();
    await store.emails.recordEmails([mail]);
    expect(await store.emails.findLatestBetween('BOB@corp.example', 'ann@corp.example')).toEqual(mail);
    await store.files.recordWrites([
      {
        deckyUuid: 'local:web01',
        path: '/home/ann/a.txt',
        author: 'ann',
        persona: 'Ann',
        contentClass: 'user-notes',
        mtime: at(1),
        body: 'a\n',
      },
    ]);
    expect(await store.files.getFile('local:web01', '/home/ann/a.txt')).toMatchObject({ editCount: 0, author: 'ann', persona: 'Ann' });
  });
});
