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
    await until(() => beats.length >= 3);
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

describe('localOnly', () => {
  it('refuses to run a shard decky on the local engine (the Python bug), and runs others locally', () => {
    const local = new FakeDocker();
    const pick = localOnly(local);
    expect(pick({ uuid: 'local:a', name: 'a', ip: null, services: [], source: 'fleet' })).toBe(local);
    expect(() => pick({ uuid: 'h2:s', name: 's', ip: null, services: [], source: 'shard', hostUuid: 'h2' })).toThrow(/host h2/);
  });
});
