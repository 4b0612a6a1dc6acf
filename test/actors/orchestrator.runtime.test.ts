import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type OrchestratorDeps, startOrchestrator } from '../../src/actors/orchestrator.runtime.js';
import { localOnly } from '../../src/actors/worker/local-only.js';
import type { Envelope } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { type Logger, silentLogger } from '../../src/infra/log/logger.port.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { FakeDocker } from '../fakes/fake-docker.js';
import { addFleetDecky, all, makeDecnetDb } from '../fixtures/decnet/decnet-db.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function recordingLogger() {
  const lines: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    lines.push({ level, obj: typeof obj === 'string' ? {} : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

async function rig(settings: Partial<OrchestratorDeps['settings']> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-rt-'));
  const store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const { logger, lines } = recordingLogger();
  const bus = createMemoryBus({ logger: silentLogger });
  const docker = new FakeDocker();
  docker.addDecky('web01', { ip: '10.0.0.11' });
  const handle = () =>
    startOrchestrator({
      settings: { intervalMs: 5, writer: { flushMs: 1 }, ...settings },
      inventory: store.inventory,
      events: store.events,
      bus,
      logger,
      docker,
      seed: 7,
    });
  const rows = async () => (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
  return { store, bus, docker, lines, handle, rows };
}

describe('startOrchestrator', () => {
  it('stops gracefully on {action:"stop"} on system.orchestrator.control, recording the in-flight action', async () => {
    const r = await rig({ execTimeoutMs: 150 });
    r.docker.scriptNextExec('web01-ssh', { kind: 'hang' });
    const h = r.handle();
    await until(() => r.docker.calls.length === 1);
    r.bus.publish('system.orchestrator.control', 'worker.control', { action: 'stop' });
    const out = await h.done;
    expect(out).toMatchObject({ reason: 'control', abandoned: 0 });
    // the hung exec came back as a timeout within its bound, and was recorded before done
    expect(await r.rows()).toMatchObject([{ kind: 'file', success: false, payload: { rc: 124, timed_out: true } }]);
    expect(r.docker.calls).toHaveLength(1);
  });

  it('ignores unknown control actions', async () => {
    const r = await rig();
    const h = r.handle();
    r.bus.publish('system.orchestrator.control', 'worker.control', { action: 'dance' });
    await new Promise((res) => setTimeout(res, 30));
    expect(h.actor.getSnapshot().status).toBe('active');
    expect(r.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'unknown control action ignored' }));
    await h.stop();
  });

  it('stop() abandons an action that outlives the drain bound, and still resolves promptly', async () => {
    const r = await rig({ execTimeoutMs: 10_000, drainTimeoutMs: 50 });
    r.docker.scriptNextExec('web01-ssh', { kind: 'hang' });
    const h = r.handle();
    await until(() => r.docker.calls.length === 1);
    const started = Date.now();
    await h.stop('signal');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await h.done).toMatchObject({ reason: 'signal', abandoned: 1 });
    expect(r.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'drain bound passed; abandoning in-flight actions' }));
  });

  it('publishes a heartbeat on system.orchestrator.health with worker, ts and actor counts', async () => {
    const r = await rig({ heartbeatMs: 20 });
    const beats: Envelope[] = [];
    r.bus.subscribe('system.orchestrator.health', (e) => beats.push(e));
    const h = r.handle();
    // three beats 20 ms apart can all come before the first inventory read on a loaded box: wait
    // for beats that count the decky, then check the shape of the last one
    await until(() => beats.length >= 3 && (beats.at(-1)?.payload.actors as { deckies?: number } | undefined)?.deckies === 1);
    await h.stop();
    const last = beats.at(-1)!;
    expect(last.payload).toMatchObject({ worker: 'orchestrator', actors: { deckies: 1 } });
    expect(Number.isNaN(Date.parse(String(last.payload.ts)))).toBe(false);
  });

  it('logs one info line per action with kind, success and dst (SPEC §8)', async () => {
    const r = await rig({ ticks: 3 });
    const h = r.handle();
    await h.done;
    const actions = r.lines.filter((l) => l.level === 'info' && l.msg === 'action');
    expect(actions).toHaveLength((await r.rows()).length);
    expect(actions[0]!.obj).toMatchObject({ kind: 'file', success: true, dst: 'local:web01' });
  });

  it('logs the idle line at debug with running, ssh_eligible and per-source counts', async () => {
    const r = await rig({ ticks: 2 });
    r.docker.removeContainer('web01-ssh');
    r.docker.addDecky('mail01', { services: ['imap'], ip: '10.0.0.20' });
    const h = r.handle();
    await h.done;
    expect(r.lines).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        msg: 'tick idle',
        obj: expect.objectContaining({ running: 1, ssh_eligible: 0, sources: { topology: 0, fleet: 1, shard: 0 } }),
      }),
    );
  });
});

describe("startOrchestrator › on DECNET's database (issue 11)", () => {
  async function decnetRig() {
    const dir = await mkdtemp(join(tmpdir(), 'decnet-rt-'));
    const db = join(dir, 'decnet.db');
    await makeDecnetDb(db);
    await addFleetDecky(db, 'web01', '10.0.0.11');
    await addFleetDecky(db, 'web02', '10.0.0.12');
    await addFleetDecky(db, 'ghost', '10.0.0.13');
    await addFleetDecky(db, 'halted', '10.0.0.14');
    const store = await openStore({ dbPath: db });
    cleanups.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const docker = new FakeDocker();
    docker.addDecky('web01', { ip: '10.0.0.11' });
    docker.addDecky('web02', { ip: '10.0.0.12' });
    docker.addDecky('halted', { ip: '10.0.0.14', running: false });
    docker.addDecky('stray', { ip: '10.0.0.15' });
    const { logger, lines } = recordingLogger();
    return { db, store, docker, lines, logger };
  }

  it('acts only on listed deckies running on the engine, and leaves the decky rows as DECNET wrote them', async () => {
    const r = await decnetRig();
    const before = await all(r.db, 'SELECT * FROM fleet_deckies ORDER BY rowid');
    expect(r.store.owner).toBe('decnet');
    const h = startOrchestrator({
      settings: { intervalMs: 5, ticks: 40, writer: { flushMs: 1 } },
      inventory: r.store.inventory,
      owner: r.store.owner,
      events: r.store.events,
      bus: createMemoryBus({ logger: silentLogger }),
      logger: r.logger,
      docker: r.docker,
      seed: 7,
    });
    await h.done;
    const touched = new Set(r.docker.calls.map((c) => c.container));
    expect([...touched].sort()).toEqual(['web01-ssh', 'web02-ssh']);
    const rows = (await r.store.events.listEvents({ limit: 1000, offset: 0 })).data;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.flatMap((e) => [e.srcDeckyUuid, e.dstDeckyUuid]).filter((u) => u !== null))).toEqual(
      new Set(['local:web01', 'local:web02']),
    );
    expect(await all(r.db, 'SELECT * FROM fleet_deckies ORDER BY rowid')).toEqual(before);
    const said = (decky: string) => r.lines.filter((l) => l.obj.decky === decky);
    expect(said('ghost')).toEqual([expect.objectContaining({ obj: expect.objectContaining({ reason: 'no containers on the engine' }) })]);
    expect(said('halted')).toEqual([expect.objectContaining({ obj: expect.objectContaining({ reason: 'containers stopped' }) })]);
    expect(said('stray')).toHaveLength(1);
  });

  it('stops acting on a decky whose -ssh stops, at the next sync', async () => {
    const r = await decnetRig();
    const h = startOrchestrator({
      settings: { intervalMs: 5, writer: { flushMs: 1 } },
      inventory: r.store.inventory,
      owner: r.store.owner,
      events: r.store.events,
      bus: createMemoryBus({ logger: silentLogger }),
      logger: r.logger,
      docker: r.docker,
      seed: 7,
    });
    await until(() => r.docker.calls.some((c) => c.container === 'web02-ssh'));
    r.docker.stop('web02-ssh');
    await until(() => r.lines.some((l) => l.obj.decky === 'web02' && l.obj.reason === 'containers stopped'));
    // an action already picked may still be running; none is picked after this settles
    await new Promise((res) => setTimeout(res, 50));
    const seen = r.docker.calls.length;
    await new Promise((res) => setTimeout(res, 150));
    expect(r.docker.calls.slice(seen).map((c) => c.container)).not.toContain('web02-ssh');
    await h.stop();
  });
});

describe('localOnly', () => {
  it('refuses to run a shard decky on the local engine (the Python bug), and runs others locally', () => {
    const local = new FakeDocker();
    const pick = localOnly(local);
    expect(pick({ uuid: 'local:a', name: 'a', ip: null, services: [], source: 'fleet' })).toBe(local);
    expect(() => pick({ uuid: 'h2:s', name: 's', ip: null, services: [], source: 'shard', hostUuid: 'h2' })).toThrow(/host h2/);
  });
});
