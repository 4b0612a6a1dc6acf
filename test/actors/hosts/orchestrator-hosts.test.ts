import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerForDecky } from '../../../src/actors/hosts/docker-for.js';
import { createHostRegistry } from '../../../src/actors/hosts/host-registry.js';
import { startOrchestrator } from '../../../src/actors/orchestrator.runtime.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { SwarmHost } from '../../../src/infra/store/swarm-hosts.port.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { FakeSwarmDocker } from '../../fakes/fake-swarm-docker.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function rig(opts: { shares?: boolean; localShares?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-orch-hosts-'));
  const store: Store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const local = new FakeDocker();
  local.addDecky('web01', { ip: '10.0.0.11' });
  local.addDecky('web02', { ip: '10.0.0.12' });
  const host = await store.swarm.addHost({ name: 'edge', endpoint: 'unix:///tmp/edge.sock', sharesNetwork: opts.shares ?? false });
  const remote = new FakeSwarmDocker({ hostId: host.uuid });
  remote.addDecky('db01', { ip: '10.9.0.21' });
  remote.addDecky('db02', { ip: '10.9.0.22' });
  const handle = startOrchestrator({
    settings: { intervalMs: 5, writer: { flushMs: 1 }, decky: { backoffBaseMs: 10, backoffMaxMs: 10 } },
    inventory: store.inventory,
    events: store.events,
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    docker: local,
    seed: 11,
    hosts: {
      swarm: store.swarm,
      connect: (h: SwarmHost) => (h.uuid === host.uuid ? remote : new FakeSwarmDocker({ hostId: h.uuid })),
      localSharesNetwork: opts.localShares ?? false,
      discovery: { debounceMs: 5 },
      timing: { listEveryMs: 50, livenessMs: 50, retryBaseMs: 20, retryMaxMs: 50 },
    },
  });
  cleanups.push(() => handle.stop());
  const rows = async () => (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
  return { store, local, remote, host, handle, rows };
}

/** The destination IP of every traffic probe an engine ran. */
const probeTargets = (d: FakeDocker) => d.calls.filter((c) => c.argv[0] === 'python3').map((c) => `${c.container}>${c.argv[3]}`);

describe('the orchestrator across Docker hosts', () => {
  it('runs every action of a shard decky on its own engine, and records it under <host_uuid>:<name>', async () => {
    const r = await rig();
    await until(async () => (await r.rows()).some((e) => e.dstDeckyUuid.startsWith(`${r.host.uuid}:`)) && r.local.calls.length > 0, 15_000);
    await r.handle.stop();
    // no exec ever ran on the wrong engine: container names are per host
    expect(r.remote.calls.every((c) => c.container.startsWith('db0'))).toBe(true);
    expect(r.local.calls.every((c) => c.container.startsWith('web0'))).toBe(true);
    const ids = new Set((await r.rows()).map((e) => e.dstDeckyUuid));
    expect([...ids].every((id) => ['local:web01', 'local:web02', `${r.host.uuid}:db01`, `${r.host.uuid}:db02`].includes(id))).toBe(true);
    expect((await r.rows()).filter((e) => e.dstDeckyUuid.startsWith(r.host.uuid) && e.success).length).toBeGreaterThan(0);
  });

  it('keeps traffic pairs within a host when the hosts do not share a network', async () => {
    const r = await rig();
    await until(() => probeTargets(r.local).length >= 3 && probeTargets(r.remote).length >= 3, 15_000);
    await r.handle.stop();
    for (const t of probeTargets(r.local)) expect(['web01-ssh>10.0.0.12', 'web02-ssh>10.0.0.11']).toContain(t);
    for (const t of probeTargets(r.remote)) expect(['db01-ssh>10.9.0.22', 'db02-ssh>10.9.0.21']).toContain(t);
  });

  it('lets traffic cross hosts when both say they share a network', async () => {
    const r = await rig({ shares: true, localShares: true });
    await until(() => [...probeTargets(r.local), ...probeTargets(r.remote)].some((t) => /^web.*>10\.9\.|^db.*>10\.0\./.test(t)), 15_000);
    await r.handle.stop();
  });

  it('drops a lost host’s deckies from the running set while the local ones keep acting', async () => {
    const r = await rig();
    await until(async () => (await r.rows()).some((e) => e.dstDeckyUuid.startsWith(r.host.uuid)), 15_000);
    r.remote.goDown();
    await until(async () => (await r.store.inventory.listRunningDeckies()).every((d) => d.source !== 'shard'));
    // the supervisor follows the inventory on its next read; until then a 5 ms tick may still act
    // on the shard deckies it holds (a loaded box made that six execs), so count from its own view
    await until(() => Object.keys(r.handle.actor.getSnapshot().context.deckies).every((uuid) => !uuid.startsWith(r.host.uuid)));
    const remoteCalls = r.remote.calls.length;
    const localCalls = r.local.calls.length;
    await until(() => r.local.calls.length > localCalls + 5);
    // nothing more was asked of the lost engine (an exec in flight at the cut may have finished)
    expect(r.remote.calls.length).toBeLessThanOrEqual(remoteCalls + 1);
    r.remote.comeBack();
    await until(async () => (await r.store.inventory.listRunningDeckies()).some((d) => d.source === 'shard'));
    const back = r.remote.calls.length;
    await until(() => r.remote.calls.length > back);
  });
});

describe('dockerForDecky', () => {
  const local = new FakeDocker();
  const edge = new FakeSwarmDocker({ hostId: 'h-edge' });
  const registry = createHostRegistry((h) => (h.uuid === 'h-edge' ? edge : local));
  registry.update([
    {
      uuid: 'h-edge',
      name: 'edge',
      endpoint: 'unix:///x',
      tls: { ca: null, cert: null, key: null },
      sharesNetwork: false,
      state: 'online',
      lastSeen: null,
      lastError: null,
      createdAt: new Date(),
    },
  ]);
  const pickEngine = dockerForDecky(local, registry);
  const d = (over: Partial<RunningDecky>): RunningDecky => ({
    uuid: 'x',
    name: 'x',
    ip: '10.0.0.1',
    services: ['ssh'],
    source: 'fleet',
    ...over,
  });

  it('sends fleet deckies and never-placed topology deckies to the local engine', () => {
    expect(pickEngine(d({ hostUuid: 'local' }))).toBe(local);
    expect(pickEngine(d({ source: 'topology' }))).toBe(local);
  });

  it('sends shard deckies, and topology deckies seen on a swarm host, to that host', () => {
    expect(pickEngine(d({ source: 'shard', hostUuid: 'h-edge' }))).toBe(edge);
    expect(pickEngine(d({ source: 'topology', hostUuid: 'h-edge' }))).toBe(edge);
  });

  it('refuses a decky on a host it does not know instead of using the local engine', () => {
    expect(() => pickEngine(d({ source: 'shard', hostUuid: 'h-gone', uuid: 'h-gone:db01' }))).toThrow(
      /no Docker engine configured for host h-gone \(shard decky h-gone:db01\)/,
    );
  });
});
