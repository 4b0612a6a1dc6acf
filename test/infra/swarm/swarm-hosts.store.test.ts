import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreQueryError } from '../../../src/infra/store/store-errors.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { observed, storeDialects } from '../store/store-fixtures.js';

const TOPO = '11111111-2222-4333-8444-555555555555';

describe.each(await storeDialects())('swarm_hosts on $name', (d) => {
  let db: string;
  let store: Store;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    db = await d.fresh();
    store = await openStore({ dbPath: db });
  });
  afterEach(() => store.close());

  it('adds a host under a fresh uuid and reads it back by name or uuid', async () => {
    const added = await store.swarm.addHost({
      name: 'edge-1',
      endpoint: 'tcp://10.0.0.5:2376',
      tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: '/etc/k.pem' },
      sharesNetwork: true,
    });
    expect(added).toMatchObject({
      name: 'edge-1',
      state: 'unknown',
      sharesNetwork: true,
      lastSeen: null,
      tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: '/etc/k.pem' },
    });
    expect(added.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.swarm.getHost('edge-1')).toEqual(added);
    expect(await store.swarm.getHost(added.uuid)).toEqual(added);
    expect(await store.swarm.getHost('nope')).toBeNull();
  });

  it('refuses a second host with the same name', async () => {
    await store.swarm.addHost({ name: 'edge-1', endpoint: 'unix:///a.sock' });
    await expect(store.swarm.addHost({ name: 'edge-1', endpoint: 'unix:///b.sock' })).rejects.toThrow(StoreQueryError);
    expect(await store.swarm.listHosts()).toHaveLength(1);
  });

  it('lists hosts by name', async () => {
    for (const name of ['zeta', 'alpha', 'mid']) await store.swarm.addHost({ name, endpoint: 'unix:///x.sock' });
    expect((await store.swarm.listHosts()).map((h) => h.name)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('marks a host unreachable: its running deckies leave the union view, other hosts keep theirs', async () => {
    const a = await store.swarm.addHost({ name: 'a', endpoint: 'unix:///a.sock' });
    const b = await store.swarm.addHost({ name: 'b', endpoint: 'unix:///b.sock' });
    await store.inventory.importTopology({
      id: TOPO,
      idGenerated: false,
      name: 'corp',
      language_default: 'en',
      email_personas: [],
      deckies: [],
    });
    await store.inventory.reconcileHost(
      a.uuid,
      [observed('web01', { hostUuid: a.uuid }), observed('mail01', { hostUuid: a.uuid, topologyId: TOPO })],
      { remote: true },
    );
    // DECNET keys shards by name alone: another host's shard has another name
    await store.inventory.reconcileHost(b.uuid, [observed('web02', { hostUuid: b.uuid })], { remote: true });
    await store.inventory.reconcileHost('local', [observed('web01')], { remote: false });

    expect(await store.swarm.markUnreachable(a.uuid, 'connect ECONNREFUSED', new Date('2025-01-01T00:00:00Z'))).toBe(2);
    expect((await store.inventory.listRunningDeckies()).map((r) => r.uuid).sort()).toEqual(['local:web01', `${b.uuid}:web02`].sort());
    expect(await store.swarm.getHost(a.uuid)).toMatchObject({ state: 'unreachable', lastError: 'connect ECONNREFUSED' });

    // back: the next discovery sync brings them back as running
    await store.swarm.markOnline(a.uuid, new Date('2025-01-01T00:01:00Z'));
    await store.inventory.reconcileHost(
      a.uuid,
      [observed('web01', { hostUuid: a.uuid }), observed('mail01', { hostUuid: a.uuid, topologyId: TOPO })],
      { remote: true },
    );
    expect(await store.inventory.listRunningDeckies()).toHaveLength(4);
    expect(await store.swarm.getHost(a.uuid)).toMatchObject({
      state: 'online',
      lastError: null,
      lastSeen: new Date('2025-01-01T00:01:00Z'),
    });
  });

  it('tears down a decky that vanished while its host was unreachable', async () => {
    const a = await store.swarm.addHost({ name: 'a', endpoint: 'unix:///a.sock' });
    await store.inventory.reconcileHost(a.uuid, [observed('web01', { hostUuid: a.uuid }), observed('web02', { hostUuid: a.uuid })], {
      remote: true,
    });
    await store.swarm.markUnreachable(a.uuid, 'gone', new Date());
    await store.inventory.reconcileHost(a.uuid, [observed('web01', { hostUuid: a.uuid })], { remote: true });
    expect(await d.sql(db, 'select decky_name, state from decky_shards order by decky_name')).toEqual([
      { decky_name: 'web01', state: 'running' },
      { decky_name: 'web02', state: 'torn_down' },
    ]);
  });

  it('says in the union view which deckies sit on hosts that share a network', async () => {
    const shared = await store.swarm.addHost({ name: 'shared', endpoint: 'unix:///a.sock', sharesNetwork: true });
    const alone = await store.swarm.addHost({ name: 'alone', endpoint: 'unix:///b.sock' });
    await store.inventory.reconcileHost(shared.uuid, [observed('web01', { hostUuid: shared.uuid })], { remote: true });
    await store.inventory.reconcileHost(alone.uuid, [observed('web02', { hostUuid: alone.uuid })], { remote: true });
    await store.inventory.reconcileHost('local', [observed('web03')], { remote: false });
    const byName = Object.fromEntries((await store.inventory.listRunningDeckies()).map((r) => [r.name, r.sharesNetwork]));
    expect(byName).toEqual({ web01: true, web02: undefined, web03: undefined });
  });

  it('removes a host and tears its deckies down, keeping their rows for the events that name them', async () => {
    const a = await store.swarm.addHost({ name: 'a', endpoint: 'unix:///a.sock' });
    await store.inventory.reconcileHost(a.uuid, [observed('web01', { hostUuid: a.uuid })], { remote: true });
    expect(await store.swarm.removeHost('a')).toMatchObject({ uuid: a.uuid });
    expect(await store.swarm.listHosts()).toEqual([]);
    expect(await store.inventory.listRunningDeckies()).toEqual([]);
    expect(await d.sql(db, 'select state from decky_shards')).toEqual([{ state: 'torn_down' }]);
    expect(await store.swarm.removeHost('a')).toBeNull();
  });
});
