import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../../src/infra/store/topology-file.schema.js';
import { fromDecnetTime } from '../../../src/infra/store/decnet-format.js';
import { observed, storeDialects } from './store-fixtures.js';

const TOPO = '11111111-2222-4333-8444-555555555555';

/** A logger that keeps warnings, to assert on them. */
function recordingLogger(): Logger & { warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (obj: Record<string, unknown> | string) => {
      warnings.push(typeof obj === 'string' ? { msg: obj } : obj);
    },
    error: () => {},
    child: () => logger,
  };
  return logger;
}

const dialects = await storeDialects();

describe.each(dialects)('inventory on $name', (d) => {
  const sql = <T = Record<string, unknown>>(db: string, query: string, params?: unknown[]) => d.sql<T>(db, query, params);
  let dbPath: string;
  let store: Store;
  let logger: ReturnType<typeof recordingLogger>;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    dbPath = await d.fresh();
    logger = recordingLogger();
    store = await openStore({ dbPath, logger });
  });
  afterEach(() => store.close());

  const importTopo = (deckies: Array<Record<string, unknown>> = []) =>
    store.inventory.importTopology(parseTopologyFile({ id: TOPO, name: 'corp', deckies }));

  describe('listRunningDeckies (the union view)', () => {
    it('returns running deckies of all three sources with per-source ids', async () => {
      await importTopo([{ name: 'mail01', services: ['imap', 'ssh'] }]);
      await store.inventory.reconcileHost(
        'local',
        [observed('web01', { ip: '10.0.0.1' }), observed('mail01', { topologyId: TOPO, services: ['imap', 'ssh'], ip: '10.0.0.2' })],
        { remote: false },
      );
      await store.inventory.reconcileHost('host-b', [observed('db01', { hostUuid: 'host-b', ip: '10.1.0.1', services: ['ssh', 'http'] })], {
        remote: true,
      });
      const deckies = await store.inventory.listRunningDeckies();
      const [topologyUuid] = await sql<{ uuid: string }>(dbPath, "select uuid from topology_deckies where name = 'mail01'");
      expect(deckies).toEqual([
        { uuid: 'local:web01', name: 'web01', ip: '10.0.0.1', services: ['ssh'], source: 'fleet', hostUuid: 'local' },
        { uuid: 'host-b:db01', name: 'db01', ip: '10.1.0.1', services: ['ssh', 'http'], source: 'shard', hostUuid: 'host-b' },
        {
          uuid: topologyUuid!.uuid,
          name: 'mail01',
          ip: '10.0.0.2',
          services: ['imap', 'ssh'],
          source: 'topology',
          topologyId: TOPO,
          hostUuid: 'local',
        },
      ]);
    });

    it('leaves out rows whose state is not running', async () => {
      await importTopo([
        { name: 'pending01', services: ['ssh'] },
        { name: 'failed01', services: ['ssh'], state: 'failed' },
      ]);
      await store.inventory.reconcileHost('local', [observed('stopped01', { running: false })], { remote: false });
      expect(await store.inventory.listRunningDeckies()).toEqual([]);
    });

    it('reports services that are not a JSON list of strings as null, and keeps the decky', async () => {
      await store.inventory.reconcileHost('local', [observed('a'), observed('b'), observed('c'), observed('d')], { remote: false });
      await sql(dbPath, `update fleet_deckies set services = 'ssh,imap' where name = 'a'`);
      await sql(dbPath, `update fleet_deckies set services = '"ssh"' where name = 'b'`);
      await sql(dbPath, `update fleet_deckies set services = '["ssh", 22]' where name = 'c'`);
      const byName = Object.fromEntries((await store.inventory.listRunningDeckies()).map((d) => [d.name, d.services]));
      expect(byName).toEqual({ a: null, b: null, c: null, d: ['ssh'] });
    });

    it('carries topologyId so a consumer needs no second query', async () => {
      await importTopo([{ name: 'web01', services: ['ssh'], state: 'running', ip: '10.0.0.9' }]);
      const [decky] = await store.inventory.listRunningDeckies();
      expect(decky).toMatchObject({ source: 'topology', topologyId: TOPO, name: 'web01' });
      expect(decky?.hostUuid).toBeUndefined();
    });
  });

  describe('reconcileHost', () => {
    it('inserts a new fleet decky as running with ip, services and last_seen', async () => {
      await store.inventory.reconcileHost('local', [observed('web01', { services: ['ssh', 'http'], ip: '10.0.0.5' })], { remote: false });
      const [row] = await sql<Record<string, string>>(
        dbPath,
        `select f.*, ${{ sqlite: 'last_seen', postgresql: 'last_seen::text', mariadb: 'cast(last_seen as char)' }[d.name]} as seen from fleet_deckies f`,
      );
      // DECNET's columns and formats: decky_ip, compact services JSON, naive UTC text
      expect(row).toMatchObject({ host_uuid: 'local', name: 'web01', state: 'running', decky_ip: '10.0.0.5', services: '["ssh","http"]' });
      expect(row!.seen).toMatch(
        d.name === 'sqlite' ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/ : /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$/,
      );
      expect(Math.abs(fromDecnetTime(row!.seen).getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('updates a changed ip without creating a second row', async () => {
      await store.inventory.reconcileHost('local', [observed('web01', { ip: '10.0.0.5' })], { remote: false });
      await store.inventory.reconcileHost('local', [observed('web01', { ip: '10.0.0.6' })], { remote: false });
      expect(await sql(dbPath, 'select name, decky_ip from fleet_deckies')).toEqual([{ name: 'web01', decky_ip: '10.0.0.6' }]);
    });

    it('marks a decky that is no longer observed as torn_down, and only on that host', async () => {
      await store.inventory.reconcileHost('local', [observed('web01'), observed('web02')], { remote: false });
      await store.inventory.reconcileHost('host-b', [observed('web01', { hostUuid: 'host-b' })], { remote: true });
      await store.inventory.reconcileHost('local', [observed('web02')], { remote: false });
      expect(await sql(dbPath, 'select name, state from fleet_deckies order by name')).toEqual([
        { name: 'web01', state: 'torn_down' },
        { name: 'web02', state: 'running' },
      ]);
      expect(await sql(dbPath, 'select decky_name, state from decky_shards')).toEqual([{ decky_name: 'web01', state: 'running' }]);
      expect((await store.inventory.listRunningDeckies()).map((d) => d.uuid)).toEqual(['local:web02', 'host-b:web01']);
    });

    it('records observed-but-stopped deckies as stopped and keeps their last known ip', async () => {
      await store.inventory.reconcileHost('local', [observed('web01', { ip: '10.0.0.5' })], { remote: false });
      await store.inventory.reconcileHost('local', [observed('web01', { ip: null, running: false })], { remote: false });
      expect(await sql(dbPath, 'select state, decky_ip from fleet_deckies')).toEqual([{ state: 'stopped', decky_ip: '10.0.0.5' }]);
    });

    it('puts deckies seen on a remote host into decky_shards only', async () => {
      await store.inventory.reconcileHost('host-b', [observed('db01', { hostUuid: 'host-b' })], { remote: true });
      expect(await sql(dbPath, 'select host_uuid, decky_name, state from decky_shards')).toEqual([
        { host_uuid: 'host-b', decky_name: 'db01', state: 'running' },
      ]);
      expect(await sql(dbPath, 'select * from fleet_deckies')).toEqual([]);
    });

    it('updates a topology decky in place, keeping the uuid the import gave it', async () => {
      await importTopo([{ name: 'mail01', services: ['imap'] }]);
      const [before] = await sql<{ uuid: string }>(dbPath, 'select uuid from topology_deckies');
      await store.inventory.reconcileHost('local', [observed('mail01', { topologyId: TOPO, services: ['imap'], ip: '10.0.0.7' })], {
        remote: false,
      });
      // the host it was seen on lives in the project's own table: DECNET's row has no such column
      expect(
        await sql(
          dbPath,
          'select d.uuid, d.state, d.ip, h.host_uuid from topology_deckies d join orch_topology_decky_hosts h on h.topology_id = d.topology_id and h.name = d.name',
        ),
      ).toEqual([{ uuid: before!.uuid, state: 'running', ip: '10.0.0.7', host_uuid: 'local' }]);
      expect(await sql(dbPath, 'select * from fleet_deckies')).toEqual([]);
    });

    it('treats a decky labelled with an unknown topology as a fleet decky and warns', async () => {
      await store.inventory.reconcileHost('local', [observed('web01', { topologyId: 'no-such-topology' })], { remote: false });
      expect(await sql(dbPath, 'select name, state from fleet_deckies')).toEqual([{ name: 'web01', state: 'running' }]);
      expect(await sql(dbPath, 'select * from topology_deckies')).toEqual([]);
      expect(logger.warnings).toEqual([expect.objectContaining({ decky: 'web01', topologyId: 'no-such-topology' })]);
    });

    it('tears down a topology decky whose containers are gone', async () => {
      await importTopo([{ name: 'mail01', services: ['imap'] }]);
      await store.inventory.reconcileHost('local', [observed('mail01', { topologyId: TOPO })], { remote: false });
      await store.inventory.reconcileHost('local', [], { remote: false });
      expect(await sql(dbPath, 'select state from topology_deckies')).toEqual([{ state: 'torn_down' }]);
    });

    it('leaves imported deckies that discovery never saw in their pending state', async () => {
      await importTopo([{ name: 'mail01', services: ['imap'] }]);
      await store.inventory.reconcileHost('local', [], { remote: false });
      expect(await sql(dbPath, 'select state from topology_deckies')).toEqual([{ state: 'pending' }]);
    });

    it('writes nothing when one row of the batch fails', async () => {
      await store.inventory.reconcileHost('local', [observed('web01')], { remote: false });
      const bad = observed('web02', { services: ['ssh'] });
      // a NOT NULL violation on the second row must roll back the first row's update too.
      (bad as { name: unknown }).name = null;
      await expect(
        store.inventory.reconcileHost('local', [observed('web01', { ip: '10.9.9.9' }), bad], { remote: false }),
      ).rejects.toThrow();
      expect(await sql(dbPath, 'select name, decky_ip, state from fleet_deckies')).toEqual([
        { name: 'web01', decky_ip: '172.20.0.10', state: 'running' },
      ]);
    });

    it('handles a thousand deckies in one call', async () => {
      const many = Array.from({ length: 1000 }, (_, i) => observed(`d${i}`, { ip: `10.0.${i >> 8}.${i & 255}` }));
      await store.inventory.reconcileHost('local', many, { remote: false });
      await store.inventory.reconcileHost('local', many.slice(0, 400), { remote: false });
      expect(await store.inventory.listRunningDeckies()).toHaveLength(400);
    });
  });
});
