import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AnyActorRef, type AnyEventObject, type CallbackActorLogic, assign, createActor, setup } from 'xstate';
import {
  type DiscoveryCommand,
  type DiscoveryInput,
  type DiscoveryReport,
  createDiscoveryLogic,
} from '../../src/actors/discovery.actor.js';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import { type Logger, silentLogger } from '../../src/infra/log/logger.port.js';
import type { InventoryPort } from '../../src/infra/store/inventory.port.js';
import type { ObservedDecky } from '../../src/domain/decky.js';
import { FakeDocker } from '../fakes/fake-docker.js';
import { EngineFixture } from '../infra/docker/engine.fixture.js';
import { hasDocker } from '../support/docker-available.js';

/** records every reconcile; can be told to fail the next one */
class RecordingInventory implements InventoryPort {
  readonly reconciles: { hostUuid: string; observed: ObservedDecky[]; remote: boolean }[] = [];
  failNext = 0;
  async listRunningDeckies(): Promise<never> {
    throw new Error('not implemented: listRunningDeckies');
  }
  async reconcileHost(hostUuid: string, observed: ObservedDecky[], opts: { remote: boolean }): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('inventory down');
    }
    this.reconciles.push({ hostUuid, observed, remote: opts.remote });
  }
  last(): ObservedDecky[] {
    return this.reconciles.at(-1)?.observed ?? [];
  }
}

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (obj: unknown, msg?: string) => lines.push(`${level}: ${msg ?? String(obj)}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

// a parent that invokes discovery and keeps every report it gets
function startParent(logic: CallbackActorLogic<DiscoveryCommand, DiscoveryInput>, resyncMs: number) {
  const machine = setup({
    types: { context: {} as { reports: DiscoveryReport[] }, events: {} as AnyEventObject },
    actors: { discovery: logic },
  }).createMachine({
    context: { reports: [] },
    invoke: { id: 'discovery', src: 'discovery', input: { resyncMs } },
    on: {
      'DISCOVERY.*': { actions: assign({ reports: ({ context, event }) => [...context.reports, event as DiscoveryReport] }) },
      'PARENT.FORWARD': { actions: ({ self }) => (self.getSnapshot().children.discovery as AnyActorRef).send({ type: 'DISCOVERY.SYNC' }) },
    },
  });
  const actor = createActor(machine).start();
  return {
    actor,
    reports: () => actor.getSnapshot().context.reports,
    synced: () => actor.getSnapshot().context.reports.filter((r) => r.type === 'DISCOVERY.SYNCED'),
  };
}

const actors: { stop(): void }[] = [];
afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
});

describe('discovery actor (fake engine)', () => {
  function start(opts: { resyncMs?: number; remote?: boolean; logger?: Logger; settleMs?: number } = {}) {
    const docker = new FakeDocker({ hostId: 'local' });
    const inventory = new RecordingInventory();
    const logic = createDiscoveryLogic({
      docker,
      inventory,
      logger: opts.logger ?? silentLogger,
      remote: opts.remote ?? false,
      debounceMs: 20,
      backoffBaseMs: 30,
      backoffMaxMs: 200,
      ...(opts.settleMs === undefined ? {} : { settleMs: opts.settleMs }),
    });
    return {
      docker,
      inventory,
      logic,
      start: () => {
        const p = startParent(logic, opts.resyncMs ?? 0);
        actors.push(p.actor);
        return p;
      },
    };
  }

  it('syncs at start and reports how many deckies run', async () => {
    const t = start();
    t.docker.addDecky('web01', { services: ['ssh', 'http'], ip: '10.0.0.2' });
    t.docker.addDecky('db01', { ip: '10.0.0.3', running: false });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced()).toHaveLength(1));
    expect(p.synced()[0]).toEqual({ type: 'DISCOVERY.SYNCED', hostUuid: 'local', running: 1, deckies: 2 });
    expect(t.inventory.reconciles[0]).toMatchObject({ hostUuid: 'local', remote: false });
    expect(t.inventory.last().map((d) => [d.name, d.running])).toEqual([
      ['db01', false],
      ['web01', true],
    ]);
  });

  it('passes remote through, so a swarm host fills the shard table', async () => {
    const t = start({ remote: true });
    t.start();
    await vi.waitFor(() => expect(t.inventory.reconciles[0]?.remote).toBe(true));
  });

  it('folds a burst of container events into one more sync', async () => {
    const t = start();
    const p = t.start();
    await vi.waitFor(() => expect(p.synced()).toHaveLength(1));
    t.docker.addDecky('mail01', { services: ['ssh', 'imap', 'pop3'], ip: '10.0.0.4' });
    await vi.waitFor(() => expect(p.synced()).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(p.synced()).toHaveLength(2);
    expect(t.inventory.last()[0]).toMatchObject({ name: 'mail01', running: true, services: ['ssh', 'imap', 'pop3'] });
  });

  it('sees a decky leave the running set when its containers stop', async () => {
    const t = start();
    t.docker.addDecky('web01', { ip: '10.0.0.2' });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(1));
    t.docker.stop('web01-ssh');
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(0));
    expect(t.inventory.last()[0]).toMatchObject({ name: 'web01', running: false });
  });

  it('sees a decky leave the running set when its base stops, though its service containers run', async () => {
    const t = start();
    t.docker.addDecky('web01', { ip: '10.0.0.2' });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(1));
    t.docker.stop('web01');
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(0));
    expect(t.inventory.last()[0]).toMatchObject({ name: 'web01', running: false });
  });

  it('settles a list that trails its event with one more sync shortly after, without waiting for the resync', async () => {
    const t = start({ settleMs: 80 });
    t.docker.addDecky('web01', { ip: '10.0.0.2' });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(1));
    // a loaded engine: the list right after `die` still shows the container running
    const before = await t.docker.listDeckyContainers();
    const list = t.docker.listDeckyContainers.bind(t.docker);
    let lists = 0;
    t.docker.listDeckyContainers = async () => (++lists === 1 ? before : list());
    t.docker.stop('web01-ssh');
    await vi.waitFor(() => expect(p.synced().at(-1)?.running).toBe(0));
    expect(p.synced().at(-2)?.running).toBe(1);
    expect(t.inventory.last()[0]).toMatchObject({ name: 'web01', running: false });
    // the events' pass (stale) and the settling one: `die` and `stop` fold into each
    expect(lists).toBe(2);
  });

  it('resyncs periodically without any event', async () => {
    const t = start({ resyncMs: 40 });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().length).toBeGreaterThanOrEqual(3));
  });

  it('syncs when its parent asks', async () => {
    const t = start();
    const p = t.start();
    await vi.waitFor(() => expect(p.synced()).toHaveLength(1));
    p.actor.send({ type: 'PARENT.FORWARD' });
    await vi.waitFor(() => expect(p.synced()).toHaveLength(2));
  });

  it('logs a failed sync, keeps running and succeeds at the next trigger', async () => {
    const lines: string[] = [];
    const t = start({ logger: recordingLogger(lines) });
    t.docker.failNextList();
    t.inventory.failNext = 1;
    const p = t.start();
    await vi.waitFor(() => expect(lines.some((l) => l.startsWith('warn: discovery sync failed'))).toBe(true));
    expect(p.actor.getSnapshot().status).toBe('active');
    t.docker.addDecky('web01');
    await vi.waitFor(() => expect(lines.filter((l) => l.startsWith('warn: discovery sync failed'))).toHaveLength(2));
    t.docker.addDecky('db01');
    await vi.waitFor(() => expect(p.synced().at(-1)?.deckies).toBe(2));
  });

  it('reports DEGRADED when the event stream fails, then resubscribes with growing backoff and resyncs', async () => {
    const t = start();
    const p = t.start();
    await vi.waitFor(() => expect(p.synced()).toHaveLength(1));
    expect(t.docker.watcherCount).toBe(1);
    t.docker.failEventStreams(new Error('stream reset'));
    expect(t.docker.watcherCount).toBe(0);
    await vi.waitFor(() => expect(p.reports().some((r) => r.type === 'DISCOVERY.DEGRADED')).toBe(true));
    expect(p.reports().find((r) => r.type === 'DISCOVERY.DEGRADED')).toEqual({
      type: 'DISCOVERY.DEGRADED',
      hostUuid: 'local',
      reason: 'stream reset',
    });
    await vi.waitFor(() => expect(t.docker.watcherCount).toBe(1));
    await vi.waitFor(() => expect(p.synced()).toHaveLength(2));
    // the second failure in a row waits twice the 30 ms base
    const t1 = Date.now();
    t.docker.failEventStreams();
    await vi.waitFor(() => expect(t.docker.watcherCount).toBe(1), { interval: 5 });
    expect(Date.now() - t1).toBeGreaterThanOrEqual(55);
    t.docker.addDecky('web01');
    await vi.waitFor(() => expect(t.inventory.last()).toHaveLength(1));
  });

  it('marks the first good sync after an engine failure as recovered, and only that one', async () => {
    const t = start({ resyncMs: 30 });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().length).toBeGreaterThanOrEqual(2));
    expect(p.synced().some((r) => 'recovered' in r)).toBe(false);
    // the engine goes away: its event stream and the next list fail
    t.docker.failNextList();
    t.docker.failEventStreams(new Error('connect ENOENT /var/run/docker.sock'));
    await vi.waitFor(() => expect(p.synced().some((r) => r.type === 'DISCOVERY.SYNCED' && r.recovered)).toBe(true));
    const from = p.synced().findIndex((r) => r.type === 'DISCOVERY.SYNCED' && r.recovered);
    await vi.waitFor(() => expect(p.synced().length).toBeGreaterThan(from + 2));
    expect(
      p
        .synced()
        .slice(from + 1)
        .some((r) => r.type === 'DISCOVERY.SYNCED' && r.recovered),
    ).toBe(false);
  });

  it('unsubscribes and stops syncing when stopped', async () => {
    const t = start({ resyncMs: 20 });
    const p = t.start();
    await vi.waitFor(() => expect(p.synced().length).toBeGreaterThanOrEqual(1));
    p.actor.stop();
    expect(t.docker.watcherCount).toBe(0);
    const calls = t.docker.listCalls;
    t.docker.addDecky('web01');
    await new Promise((r) => setTimeout(r, 120));
    expect(t.docker.listCalls).toBe(calls);
  });
});

describe.runIf(hasDocker)('discovery actor (real engine)', () => {
  const fx = new EngineFixture('dnt-disc');
  afterEach(async () => {
    await fx.cleanup();
  });

  async function watching() {
    const docker = createDockerodePort({ hostId: 'local' });
    const inventory = new RecordingInventory();
    const logic = createDiscoveryLogic({ docker, inventory, logger: silentLogger, remote: false });
    const p = startParent(logic, 60_000);
    actors.push(p.actor);
    await vi.waitFor(() => expect(p.synced().length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    const mine = (name: string) => inventory.last().find((d) => d.name === name);
    return { p, docker, mine };
  }

  it('sees a topology decky start, then leave the running set within seconds of its service stopping', async () => {
    const { p, docker, mine } = await watching();
    const topologyId = `${fx.prefix}-topo`;
    const web = await fx.decky({ name: 'web', services: ['ssh'], topologyId, commands: { ssh: ['sleep', 'infinity'] } });
    await vi.waitFor(() => expect(mine(web.name)).toMatchObject({ running: true, ip: web.ip, topologyId, services: ['ssh'] }), {
      timeout: 5000,
    });
    const t0 = Date.now();
    await fx.docker.getContainer(web.services[0]!).kill();
    // 0.2–0.3 s on an idle box; a loaded CI engine is given seconds
    await vi.waitFor(() => expect(mine(web.name)?.running).toBe(false), { timeout: 15_000 });
    console.info(`discovery: stopped decky left the running set in ${Date.now() - t0} ms`);
    p.actor.stop();
    docker.close();
  });

  it('sees a fleet decky leave the running set when its label-less base dies', async () => {
    const { p, docker, mine } = await watching();
    const web = await fx.decky({ name: 'fleet', services: ['ssh', 'http'] });
    // the engine lists newest first: services come in its order
    await vi.waitFor(
      () => {
        expect(mine(web.name)).toMatchObject({ running: true, ip: web.ip });
        expect(mine(web.name)?.services.slice().sort()).toEqual(['http', 'ssh']);
      },
      { timeout: 5000 },
    );
    expect(mine(web.name)).not.toHaveProperty('topologyId');
    await fx.docker.getContainer(web.base).kill();
    await vi.waitFor(() => expect(mine(web.name)?.running).toBe(false), { timeout: 15_000 });
    p.actor.stop();
    docker.close();
  });
});
