import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrchestrator } from '../../../src/actors/orchestrator.runtime.js';
import { createBus } from '../../../src/infra/bus/bus.factory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { NatsServer, requireNatsOrSkip } from '../../support/nats-server.js';

const sc = StringCodec();

describe.runIf(requireNatsOrSkip())('the orchestrator on a NATS bus', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(() => server.stop());

  it('publishes its events and heartbeats on NATS and stops on a control message sent over NATS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'decnet-nats-'));
    const store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
    const bus = createBus({ url: server.url, logger: silentLogger, name: 'decnet-orchestrator' });
    const watcher = await connect({ servers: server.url });
    const got: { subject: string; data: Record<string, unknown> }[] = [];
    watcher.subscribe('>', { callback: (_e, m) => got.push({ subject: m.subject, data: JSON.parse(sc.decode(m.data)) }) });
    await watcher.flush();
    try {
      const docker = new FakeDocker();
      docker.addDecky('web01', { ip: '10.0.0.11' });
      docker.addDecky('web02', { ip: '10.0.0.12' });
      const handle = startOrchestrator({
        settings: { intervalMs: 5, writer: { flushMs: 1 }, heartbeatMs: 50 },
        inventory: store.inventory,
        events: store.events,
        bus,
        logger: silentLogger,
        docker,
        seed: 7,
      });
      const until = async (cond: () => boolean) => {
        for (const end = Date.now() + 10_000; !cond(); await new Promise((r) => setTimeout(r, 10))) {
          if (Date.now() > end) throw new Error('condition not met in time');
        }
      };
      await until(
        () => got.some((m) => m.subject.startsWith('orchestrator.')) && got.some((m) => m.subject === 'system.orchestrator.health'),
      );
      watcher.publish('system.orchestrator.control', sc.encode(JSON.stringify({ action: 'stop' })));
      await expect(handle.done).resolves.toMatchObject({ reason: 'control' });
      await bus.close();
      const rows = (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
      const events = () => got.filter((m) => m.subject.startsWith('orchestrator.'));
      // every recorded row was published, and nothing else under orchestrator.>
      await until(() => events().length >= rows.length);
      expect(
        events()
          .map((m) => m.subject)
          .sort(),
      ).toEqual(rows.map((r) => `orchestrator.${r.kind}.${r.dstDeckyUuid}`).sort());
      expect(events()[0]?.data).toMatchObject({ v: 1, topic: events()[0]?.subject, payload: expect.any(Object) });
    } finally {
      await watcher.close();
      await bus.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
