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

// the README's example permissions: only `operator` may publish on system.*.control
const CONFIG = `
authorization {
  users = [
    { user: daemon, password: daemon-pw, permissions: {
        publish: { allow: ["orchestrator.>", "system.*.health"] },
        subscribe: { allow: ["orchestrator.>", "system.>", "_INBOX.>"] } } },
    { user: operator, password: operator-pw, permissions: {
        publish: { allow: ["system.*.control"] },
        subscribe: { allow: ["orchestrator.>", "system.>"] } } },
    { user: viewer, password: viewer-pw, permissions: {
        publish: { deny: [">"] },
        subscribe: { allow: ["orchestrator.>", "system.*.health"] } } }
  ]
}
`;

const until = async (cond: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
};

describe.runIf(requireNatsOrSkip())('control over NATS with the README permissions', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start({ config: CONFIG });
  });
  afterAll(() => server.dispose());

  it('the server refuses a stop from a user without control permission and the daemon keeps running; the operator stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'decnet-nats-perm-'));
    const store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
    const url = `nats://127.0.0.1:${server.port}`;
    const bus = createBus({ url, nats: { user: 'daemon', password: 'daemon-pw' }, logger: silentLogger, name: 'decnet-orchestrator' });
    const viewer = await connect({ servers: url, user: 'viewer', pass: 'viewer-pw' });
    const operator = await connect({ servers: url, user: 'operator', pass: 'operator-pw' });
    const viewerErrors: string[] = [];
    void (async () => {
      for await (const s of viewer.status())
        if (s.type === 'error') viewerErrors.push(`${String(s.data)} ${s.permissionContext?.operation} ${s.permissionContext?.subject}`);
    })();
    const heartbeats: number[] = [];
    operator.subscribe('system.orchestrator.health', { callback: () => heartbeats.push(Date.now()) });
    await operator.flush();
    try {
      const docker = new FakeDocker();
      docker.addDecky('web01', { ip: '10.0.0.11' });
      const handle = startOrchestrator({
        settings: { intervalMs: 5, writer: { flushMs: 1 }, heartbeatMs: 50 },
        inventory: store.inventory,
        events: store.events,
        bus,
        logger: silentLogger,
        docker,
        seed: 7,
      });
      let finished = false;
      void handle.done.then(() => {
        finished = true;
      });
      await until(() => heartbeats.length > 0);

      viewer.publish('system.orchestrator.control', sc.encode(JSON.stringify({ action: 'stop' })));
      await viewer.flush().catch(() => undefined);
      await until(() => viewerErrors.length > 0);
      expect(viewerErrors[0]).toBe('PERMISSIONS_VIOLATION publish system.orchestrator.control');
      // still beating well after the refused stop
      const seen = heartbeats.length;
      await until(() => heartbeats.length >= seen + 3);
      expect(finished).toBe(false);

      operator.publish('system.orchestrator.control', sc.encode(JSON.stringify({ action: 'stop' })));
      await expect(handle.done).resolves.toMatchObject({ reason: 'control' });
    } finally {
      await viewer.close();
      await operator.close();
      await (bus as { close(): Promise<void> }).close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
