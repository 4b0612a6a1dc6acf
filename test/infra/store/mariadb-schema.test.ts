import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { requireMariadbOrSkip } from '../../support/mariadb-server.js';
import { anEmail, anEvent, at, mariadbDialect, observed } from './store-fixtures.js';

describe.runIf(await requireMariadbOrSkip())('the MariaDB schema', () => {
  const d = mariadbDialect();
  afterAll(() => d.cleanup());

  it("gives the shared tables DECNET's MySQL types: VARCHAR(255), MEDIUMTEXT for DECNET's long text, DATETIME, BOOL", async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    const types = await d.sql<{ t: string; c: string; type: string; nullable: string }>(
      db,
      `select table_name as t, column_name as c, column_type as type, is_nullable as nullable from information_schema.columns
        where table_schema = database() and concat(table_name, '.', column_name) in
          ('orchestrator_events.uuid', 'orchestrator_events.ts', 'orchestrator_events.kind', 'orchestrator_events.success', 'orchestrator_events.payload',
           'fleet_deckies.services', 'fleet_deckies.decky_config', 'topology_deckies.services', 'topologies.config_snapshot', 'topologies.email_personas',
           'topology_deckies.x', 'synthetic_files.last_body', 'orch_swarm_hosts.shares_network')
        order by binary table_name, binary column_name`,
    );
    expect(types.map((r) => `${r.t}.${r.c}:${r.type}${r.nullable === 'YES' ? '?' : ''}`)).toEqual([
      'fleet_deckies.decky_config:mediumtext?',
      'fleet_deckies.services:mediumtext',
      'orch_swarm_hosts.shares_network:tinyint(1)',
      'orchestrator_events.kind:varchar(16)',
      'orchestrator_events.payload:text',
      'orchestrator_events.success:tinyint(1)',
      'orchestrator_events.ts:datetime',
      'orchestrator_events.uuid:varchar(255)',
      'synthetic_files.last_body:text',
      'topologies.config_snapshot:mediumtext',
      'topologies.email_personas:mediumtext',
      'topology_deckies.services:mediumtext',
      'topology_deckies.x:float?',
    ]);
  });

  it('writes whole-second DATETIMEs and 0/1, and reads back events, emails and deckies', async () => {
    const db = await d.fresh();
    const store = await openStore({ dbPath: db });
    try {
      const e = anEvent({ ts: at(5), success: false, payload: { text: 'näïve ✓ 🐝' } });
      await store.events.recordEvents([e]);
      expect((await store.events.listEvents({ limit: 5, offset: 0 })).data).toEqual([e]);
      expect(await d.sql(db, 'select cast(ts as char) as ts, success from orchestrator_events')).toEqual([
        { ts: '2025-01-01 00:00:05', success: 0 },
      ]);
      const mail = anEmail();
      await store.emails.recordEmails([mail]);
      expect(await store.emails.getByMessageId(mail.messageId)).toEqual(mail);
      await store.inventory.reconcileHost('local', [observed('web01')], { remote: false });
      expect(await store.inventory.listRunningDeckies()).toMatchObject([{ uuid: 'local:web01', source: 'fleet' }]);
    } finally {
      await store.close();
    }
  });

  it("keeps a body within MySQL's TEXT (65,535 bytes), marked cut, instead of failing the batch", async () => {
    const db = await d.fresh();
    const store = await openStore({ dbPath: db });
    try {
      const body = 'x'.repeat(70_000);
      await store.files.recordWrites([
        { deckyUuid: 'local:web01', path: '/var/log/big.log', author: null, contentClass: 'daemon-log', mtime: at(1), body },
      ]);
      const file = await store.files.getFile('local:web01', '/var/log/big.log');
      expect(file).toMatchObject({ bodyTruncated: true });
      expect(file!.body).toHaveLength(65_535);
    } finally {
      await store.close();
    }
  });

  it('migrates once when daemons start together, under the schema lock', async () => {
    const db = await d.fresh();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ dbPath: db })));
    await Promise.all(stores.map((s) => s.close()));
    const names = await d.sql<{ name: string }>(db, 'select name from orch_migrations');
    expect(names).toHaveLength(2);
    // the lock is the server's, as DECNET's is (other databases' openers may hold it now): this session can take it
    expect(await d.sql(db, "select get_lock('decnet_schema_init', 10) as got, release_lock('decnet_schema_init') as released")).toEqual([
      { got: 1, released: 1 },
    ]);
  });
});
