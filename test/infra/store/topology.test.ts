import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../../src/infra/store/topology-file.schema.js';
import { observed, storeDialects } from './store-fixtures.js';

const ID = '11111111-2222-4333-8444-555555555555';
const personas = [{ name: 'Ann', email: 'ann@corp.example', role: 'CFO' }];

const dialects = await storeDialects();

describe.each(dialects)('topology store on $name', (d) => {
  const sql = <T = Record<string, unknown>>(db: string, query: string, params?: unknown[]) => d.sql<T>(db, query, params);
  let dbPath: string;
  let store: Store;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    dbPath = await d.fresh();
    store = await openStore({ dbPath });
  });
  afterEach(() => store.close());

  it('imports a topology with its deckies and reads back language and personas', async () => {
    const result = await store.inventory.importTopology(
      parseTopologyFile({
        id: ID,
        name: 'corp',
        language_default: 'de',
        timezone: 'Europe/Berlin',
        email_personas: personas,
        deckies: [
          { name: 'web01', services: ['ssh'], ip: '10.0.0.1' },
          { name: 'mail01', services: ['imap', 'ssh'] },
        ],
      }),
    );
    expect(result).toEqual({ id: ID, name: 'corp', deckies: 2, created: true });
    expect(await store.inventory.getTopology(ID)).toMatchObject({
      id: ID,
      name: 'corp',
      languageDefault: 'de',
      timezone: 'Europe/Berlin',
      emailPersonas: personas,
    });
    expect(await sql(dbPath, 'select name, services, ip, state from topology_deckies order by name')).toEqual([
      { name: 'mail01', services: '["imap","ssh"]', ip: null, state: 'pending' },
      { name: 'web01', services: '["ssh"]', ip: '10.0.0.1', state: 'pending' },
    ]);
  });

  it('answers null for an unknown topology', async () => {
    expect(await store.inventory.getTopology(ID)).toBeNull();
  });

  it('re-import updates in place: same decky uuids, new services, discovery state kept', async () => {
    await store.inventory.importTopology(parseTopologyFile({ id: ID, name: 'corp', deckies: [{ name: 'web01', services: ['ssh'] }] }));
    await store.inventory.reconcileHost('local', [observed('web01', { topologyId: ID, ip: '10.0.0.5' })], { remote: false });
    const [before] = await sql<{ uuid: string }>(dbPath, 'select uuid from topology_deckies');

    const again = await store.inventory.importTopology(
      parseTopologyFile({
        id: ID,
        name: 'corp-renamed',
        email_personas: personas,
        deckies: [{ name: 'web01', services: ['ssh', 'http'] }],
      }),
    );

    expect(again.created).toBe(false);
    expect(await sql(dbPath, 'select uuid, services, ip, state from topology_deckies')).toEqual([
      { uuid: before!.uuid, services: '["ssh","http"]', ip: '10.0.0.5', state: 'running' },
    ]);
    expect(await store.inventory.getTopology(ID)).toMatchObject({ name: 'corp-renamed', timezone: null, emailPersonas: personas });
  });

  it('sets state and ip when the file gives them', async () => {
    await store.inventory.importTopology(parseTopologyFile({ id: ID, name: 'corp', deckies: [{ name: 'web01', services: ['ssh'] }] }));
    await store.inventory.importTopology(
      parseTopologyFile({ id: ID, name: 'corp', deckies: [{ name: 'web01', services: ['ssh'], ip: '10.0.0.9', state: 'failed' }] }),
    );
    expect(await sql(dbPath, 'select ip, state from topology_deckies')).toEqual([{ ip: '10.0.0.9', state: 'failed' }]);
  });

  it('updates the one topology of that name when the file has no id, instead of duplicating it', async () => {
    const first = await store.inventory.importTopology(parseTopologyFile({ name: 'corp', deckies: [] }));
    const second = await store.inventory.importTopology(parseTopologyFile({ name: 'corp', deckies: [{ name: 'web01', services: [] }] }));
    expect(second).toMatchObject({ id: first.id, created: false });
    expect(await sql(dbPath, 'select cast(count(*) as integer) as n from topologies')).toEqual([{ n: 1 }]);
  });

  it('keeps two topologies with decky names in common apart', async () => {
    const other = '99999999-2222-4333-8444-555555555555';
    await store.inventory.importTopology(parseTopologyFile({ id: ID, name: 'a', deckies: [{ name: 'web01', services: [] }] }));
    await store.inventory.importTopology(parseTopologyFile({ id: other, name: 'b', deckies: [{ name: 'web01', services: [] }] }));
    expect(await sql(dbPath, 'select topology_id from topology_deckies order by topology_id')).toEqual([
      { topology_id: ID },
      { topology_id: other },
    ]);
  });

  it('writes nothing when a decky row fails mid-import', async () => {
    const file = parseTopologyFile({
      id: ID,
      name: 'corp',
      deckies: [
        { name: 'web01', services: [] },
        { name: 'web02', services: [] },
      ],
    });
    // bypass validation to force a NOT NULL failure on the second row, after the topology row.
    (file.deckies[1] as { name: unknown }).name = null;
    await expect(store.inventory.importTopology(file)).rejects.toThrow();
    expect(await sql(dbPath, 'select * from topologies')).toEqual([]);
    expect(await sql(dbPath, 'select * from topology_deckies')).toEqual([]);
  });
});
