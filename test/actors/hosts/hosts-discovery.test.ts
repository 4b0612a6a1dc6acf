import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyEventObject, assign, createActor, setup } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostRegistry } from '../../../src/actors/hosts/host-registry.js';
import { createHostsDiscoveryLogic } from '../../../src/actors/hosts/hosts-discovery.actor.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { SwarmHost } from '../../../src/infra/store/swarm-hosts.port.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { FakeSwarmDocker } from '../../fakes/fake-swarm-docker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function rig() {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-hosts-'));
  const store: Store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const local = new FakeDocker();
  const engines = new Map<string, FakeSwarmDocker>();
  const connected: string[] = [];
  const connect = (h: SwarmHost) => {
    connected.push(h.name);
    const e = engines.get(h.name);
    if (!e) throw new Error(`test: no engine for ${h.name}`);
    return e;
  };
  const registry = createHostRegistry(connect);
  const addHost = async (name: string, sharesNetwork = false) => {
    const host = await store.swarm.addHost({ name, endpoint: `unix:///tmp/${name}.sock`, sharesNetwork });
    const engine = new FakeSwarmDocker({ hostId: host.uuid });
    engines.set(name, engine);
    return { host, engine };
  };
  const start = () => {
    const logic = createHostsDiscoveryLogic({
      local,
      inventory: store.inventory,
      swarm: store.swarm,
      registry,
      logger: silentLogger,
      discovery: { debounceMs: 5, backoffBaseMs: 20, backoffMaxMs: 100 },
      timing: { listEveryMs: 50, livenessMs: 50, retryBaseMs: 20, retryMaxMs: 80 },
    });
    const parent = setup({ actors: { hosts: logic }, types: { context: {} as { got: AnyEventObject[] } } }).createMachine({
      context: { got: [] },
      invoke: { src: 'hosts', input: { resyncMs: 60_000 } },
      on: { '*': { actions: assign({ got: ({ context, event }) => [...context.got, event] }) } },
    });
    const actor = createActor(parent).start();
    cleanups.push(async () => actor.stop());
    return { actor, got: () => actor.getSnapshot().context.got };
  };
  const running = async () => (await store.inventory.listRunningDeckies()).map((d) => d.uuid).sort();
  return { store, local, addHost, start, running, connected, registry };
}

describe('hosts discovery (one host actor per swarm host)', () => {
  it('fills decky_shards with <host_uuid>:<name> for each swarm host, beside the local fleet', async () => {
    const r = await rig();
    r.local.addDecky('web01', { ip: '10.0.0.11' });
    const a = await r.addHost('edge-a');
    const b = await r.addHost('edge-b');
    a.engine.addDecky('web01', { ip: '10.1.0.11' });
    b.engine.addDecky('db01', { ip: '10.2.0.11' });
    const { got } = r.start();
    await until(async () => (await r.running()).length === 3);
    expect(await r.running()).toEqual([`${a.host.uuid}:web01`, `${b.host.uuid}:db01`, 'local:web01'].sort());
    const shards = (await r.store.inventory.listRunningDeckies()).filter((d) => d.source === 'shard');
    expect(shards.map((d) => d.hostUuid).sort()).toEqual([a.host.uuid, b.host.uuid].sort());
    expect(
      got()
        .filter((e) => e.type === 'DISCOVERY.SYNCED')
        .map((e) => e.hostUuid),
    ).toEqual(expect.arrayContaining(['local', a.host.uuid, b.host.uuid]));
    await until(async () => (await r.store.swarm.getHost('edge-a'))?.state === 'online');
  });

  it('takes an unreachable host out of the running set, leaves the others alone, and brings it back when it answers', async () => {
    const r = await rig();
    r.local.addDecky('web01', { ip: '10.0.0.11' });
    const a = await r.addHost('edge-a');
    const b = await r.addHost('edge-b');
    a.engine.addDecky('web01', { ip: '10.1.0.11' });
    b.engine.addDecky('db01', { ip: '10.2.0.11' });
    r.start();
    await until(async () => (await r.running()).length === 3);
    const listsBefore = { local: r.local.listCalls, a: a.engine.listCalls };

    b.engine.goDown();
    await until(async () => !(await r.running()).includes(`${b.host.uuid}:db01`));
    expect(await r.running()).toEqual([`${a.host.uuid}:web01`, 'local:web01'].sort());
    expect(await r.store.swarm.getHost('edge-b')).toMatchObject({ state: 'unreachable', lastError: expect.any(String) });
    // the others kept being watched: their actors never noticed
    expect(await r.store.swarm.getHost('edge-a')).toMatchObject({ state: 'online' });
    expect(r.local.watcherCount).toBe(1);
    expect(a.engine.watcherCount).toBe(1);
    expect({ local: r.local.listCalls, a: a.engine.listCalls }).toEqual(listsBefore);

    b.engine.comeBack();
    await until(async () => (await r.running()).includes(`${b.host.uuid}:db01`));
    expect(await r.store.swarm.getHost('edge-b')).toMatchObject({ state: 'online', lastError: null });
  });

  it('picks up a host added while running, and stops watching a removed one', async () => {
    const r = await rig();
    r.start();
    await new Promise((res) => setTimeout(res, 60));
    const c = await r.addHost('edge-c');
    c.engine.addDecky('web09', { ip: '10.3.0.9' });
    await until(async () => (await r.running()).includes(`${c.host.uuid}:web09`));
    expect(c.engine.watcherCount).toBe(1);
    await r.store.swarm.removeHost('edge-c');
    await until(() => c.engine.watcherCount === 0);
    expect(await r.running()).toEqual([]);
    expect(r.registry.port(c.host.uuid)).toBeUndefined();
  });

  it('keeps a host whose TLS files cannot be read unreachable with the reason, and the rest working', async () => {
    const r = await rig();
    r.local.addDecky('web01', { ip: '10.0.0.11' });
    const bad = await r.store.swarm.addHost({ name: 'edge-bad', endpoint: 'unix:///tmp/none.sock' });
    r.start();
    await until(async () => (await r.store.swarm.getHost(bad.uuid))?.state === 'unreachable');
    expect((await r.store.swarm.getHost(bad.uuid))?.lastError).toMatch(/no engine for edge-bad/);
    expect(await r.running()).toEqual(['local:web01']);
  });

  it('records the reason an engine that can say why gives (an ssh:// host key refusal), not just that it did not answer', async () => {
    const r = await rig();
    const { host, engine } = await r.addHost('edge-ssh');
    const reason = 'refused ssh://ops@edge:22: unknown host key ssh-ed25519 SHA256:abc, not in /root/.ssh/known_hosts';
    Object.assign(engine, { diagnose: async () => ({ ok: false, reason }) });
    r.start();
    await until(async () => (await r.store.swarm.getHost(host.uuid))?.state === 'unreachable');
    expect(await r.store.swarm.getHost(host.uuid)).toMatchObject({ lastError: reason });
  });
});
