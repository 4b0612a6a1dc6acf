import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type OrchestratorDeps, type OrchestratorSettings, startOrchestrator } from '../../src/actors/orchestrator.runtime.js';
import type { Envelope } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { FakeDocker } from '../fakes/fake-docker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world() {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-orch-'));
  const store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const bus = createMemoryBus({ logger: silentLogger });
  const published: Envelope[] = [];
  bus.subscribe('orchestrator.>', (e) => published.push(e));
  const heartbeats: Envelope[] = [];
  bus.subscribe('system.orchestrator.health', (e) => heartbeats.push(e));
  const docker = new FakeDocker();
  return { store, bus, published, heartbeats, docker };
}

type World = Awaited<ReturnType<typeof world>>;

async function run(w: World, settings: Partial<OrchestratorSettings> & { ticks: number }, deps: Partial<OrchestratorDeps> = {}) {
  const handle = startOrchestrator({
    settings: { intervalMs: 5, writer: { flushMs: 1 }, ...settings },
    inventory: w.store.inventory,
    events: w.store.events,
    bus: w.bus,
    logger: silentLogger,
    docker: w.docker,
    seed: 42,
    ...deps,
  });
  const output = await handle.done;
  const rows = (await w.store.events.listEvents({ limit: 1000, offset: 0 })).data;
  return { output, rows };
}

const fleetDecky = (name: string, ip: string) => ({ name, hostUuid: 'local', services: ['ssh'], ip, running: true });

describe('orchestrator (SQLite file + memory bus + fake Docker)', () => {
  it('one tick records one row and publishes one bus event with the same kind and success', async () => {
    const w = await world();
    w.docker.addDecky('web01', { ip: '10.0.0.11' });
    w.docker.addDecky('web02', { ip: '10.0.0.12' });
    const { output, rows } = await run(w, { ticks: 1 });
    expect(output.reason).toBe('ticks');
    expect(rows).toHaveLength(1);
    expect(w.published).toHaveLength(1);
    const row = rows[0]!;
    const env = w.published[0]!;
    expect(env.topic).toBe(`orchestrator.${row.kind}.${row.dstDeckyUuid}`);
    expect(env.payload.kind).toBe(row.kind);
    expect(env.payload.success).toBe(row.success);
    expect(env.payload.uuid).toBe(row.uuid);
    expect(row.success).toBe(true);
    expect(w.docker.calls).toHaveLength(1);
  });

  it('with no deckies, execs nothing and records nothing', async () => {
    const w = await world();
    const { output, rows } = await run(w, { ticks: 3 });
    expect(output).toMatchObject({ reason: 'ticks', ticks: 3 });
    expect(w.docker.calls).toHaveLength(0);
    expect(rows).toHaveLength(0);
    expect(w.published).toHaveLength(0);
  });

  it('with two fleet deckies only, records rows whose dst is local:<name> (fleet regression)', async () => {
    const w = await world();
    w.docker.addDecky('alpha', { ip: '10.0.0.21' });
    w.docker.addDecky('beta', { ip: '10.0.0.22' });
    const { rows } = await run(w, { ticks: 6 });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const r of rows) expect(r.dstDeckyUuid).toMatch(/^local:(alpha|beta)$/);
    expect(rows.every((r) => r.success)).toBe(true);
  });

  it('prunes every pruneEveryTicks ticks, keeping the newest N rows per destination', async () => {
    const w = await world();
    const seeded: OrchestratorEvent[] = [];
    for (const dst of ['local:a', 'local:b']) {
      for (let i = 0; i < 10; i += 1) {
        seeded.push({
          uuid: randomUUID(),
          ts: new Date(Date.UTC(2025, 0, 1, 0, i)),
          kind: 'file',
          protocol: 'ssh',
          action: 'file:create',
          srcDeckyUuid: null,
          dstDeckyUuid: dst,
          success: true,
          payload: { i },
        });
      }
    }
    await w.store.events.recordEvents(seeded);
    const { rows } = await run(w, { ticks: 2, pruneEveryTicks: 1, eventsKeepPerDecky: 3 });
    for (const dst of ['local:a', 'local:b']) {
      const kept = rows.filter((r) => r.dstDeckyUuid === dst).map((r) => r.payload.i);
      expect(kept).toEqual([9, 8, 7]);
    }
  });

  it('backs off a decky whose actions keep failing, and never picks it while it backs off', async () => {
    const w = await world();
    w.docker.addDecky('good', { ip: '10.0.0.31' });
    w.docker.addDecky('bad', { ip: '10.0.0.32' });
    for (let i = 0; i < 3; i += 1) w.docker.scriptNextExec('bad-ssh', { kind: 'result', result: { rc: 1, stderr: 'boom' } });
    const { rows } = await run(w, { ticks: 40, decky: { failureThreshold: 3, backoffBaseMs: 60_000 } });
    // exactly the three scripted failures ran in bad's container: a fourth would have succeeded
    expect(w.docker.calls.filter((c) => c.container === 'bad-ssh')).toHaveLength(3);
    const chronological = [...rows].reverse();
    const badActs = (r: OrchestratorEvent) => r.srcDeckyUuid === 'local:bad' || (r.kind === 'file' && r.dstDeckyUuid === 'local:bad');
    const lastBad = chronological.findLastIndex(badActs);
    expect(chronological.filter(badActs).map((r) => r.success)).toEqual([false, false, false]);
    const after = chronological.slice(lastBad + 1);
    expect(after.length).toBeGreaterThan(5);
    expect(after.some((r) => r.srcDeckyUuid === 'local:bad' || r.dstDeckyUuid === 'local:bad')).toBe(false);
  });

  it('runs a shard decky’s exec on its own host’s engine, never the local one', async () => {
    const w = await world();
    const remote = new FakeDocker({ hostId: 'host-b' });
    remote.addDecky('s1', { ip: '10.1.0.2' });
    await w.store.inventory.reconcileHost('host-b', [{ ...fleetDecky('s1', '10.1.0.2'), hostUuid: 'host-b' }], { remote: true });
    const { rows } = await run(w, { ticks: 1 }, { dockerFor: (d) => (d.source === 'shard' ? remote : w.docker) });
    expect(w.docker.calls).toHaveLength(0);
    expect(remote.calls.map((c) => c.container)).toEqual(['s1-ssh']);
    expect(rows).toMatchObject([{ kind: 'file', dstDeckyUuid: 'host-b:s1', success: true }]);
  });

  it('without a registry for its host, a shard action fails on record instead of running locally', async () => {
    const w = await world();
    await w.store.inventory.reconcileHost('host-b', [{ ...fleetDecky('s1', '10.1.0.2'), hostUuid: 'host-b' }], { remote: true });
    const { rows } = await run(w, { ticks: 1 });
    expect(w.docker.calls).toHaveLength(0);
    expect(rows).toMatchObject([{ kind: 'file', dstDeckyUuid: 'host-b:s1', success: false }]);
    expect(String(rows[0]!.payload.error)).toContain('host-b');
  });
});
