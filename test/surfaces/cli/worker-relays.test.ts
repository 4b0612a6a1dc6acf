import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heartbeatDir, startWorkerRelays } from '../../../src/surfaces/cli/worker-relays.js';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { trackWorkerHealth } from '../../../src/surfaces/http/worker-health.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import type { Store } from '../../../src/infra/store/store.port.js';

const until = async (ok: () => boolean, ms = 3_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('worker relays › two worker processes on one database, each with its own in-process bus', () => {
  let dir: string;
  let store: Store;
  const stops: Array<() => void> = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'decnet-relay-'));
    store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  });
  afterEach(async () => {
    for (const s of stops.splice(0)) s();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const worker = (name: 'orchestrator' | 'emailgen', env: Record<string, string> = {}) => {
    const config = loadConfig({ DECNET_DB: join(dir, 'decnet.sqlite'), ...env });
    const bus = createMemoryBus({ logger: silentLogger });
    const relay = startWorkerRelays({ worker: name, config, store, bus, logger: silentLogger, pollMs: 25 });
    stops.push(relay.stop);
    return bus;
  };

  it("shows the emailgen process's heartbeat to the orchestrator's health tracker", async () => {
    const orchestratorBus = worker('orchestrator');
    const emailgenBus = worker('emailgen');
    const tracker = trackWorkerHealth({ bus: orchestratorBus });
    stops.push(tracker.stop);
    expect(tracker.list().find((w) => w.worker === 'emailgen')?.status).toBe('unknown');
    emailgenBus.publish('system.emailgen.health', 'health', {
      worker: 'emailgen',
      ts: new Date().toISOString(),
      llm: { breaker: 'closed' },
    });
    await until(() => tracker.list().find((w) => w.worker === 'emailgen')?.status === 'ok');
    expect(tracker.list().find((w) => w.worker === 'emailgen')?.extra).toMatchObject({ llm: { breaker: 'closed' } });
    const file = JSON.parse(await readFile(join(heartbeatDir({ dbPath: join(dir, 'x') })!, 'emailgen.json'), 'utf8'));
    expect(file.worker).toBe('emailgen');
  });

  it('republishes an email row another process committed on orchestrator.email.<mail decky>, once', async () => {
    const orchestratorBus = worker('orchestrator');
    const seen: Envelope[] = [];
    orchestratorBus.subscribe('orchestrator.email.*', (e) => seen.push(e));
    const uuid = randomUUID();
    await store.emails.recordEmails([
      {
        uuid,
        ts: new Date(),
        mailDeckyUuid: 'local:mail01',
        threadId: randomUUID(),
        messageId: '<abc123@corp.example>',
        inReplyTo: null,
        senderEmail: 'ann@corp.example',
        recipientEmail: 'bob@corp.example',
        subject: 'Quarterly numbers',
        language: 'en',
        emlPath: '/var/spool/mail/t/abc123_at_corp.example.eml',
        success: true,
        payload: { stage: 'delivered' },
      },
    ]);
    await until(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ topic: 'orchestrator.email.local:mail01', type: 'email.delivered', payload: { uuid } });
  });

  it.each<Record<string, string>>([
    { DECNET_BUS: 'nats://127.0.0.1:4222' },
    { DECNET_BUS_TYPE: 'unix' },
  ])('stays off with a cross-process bus (%o), which carries both already', async (env) => {
    const bus = worker('emailgen', env);
    bus.publish('system.emailgen.health', 'health', { worker: 'emailgen', ts: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 100));
    await expect(readFile(join(dir, 'workers', 'emailgen.json'))).rejects.toThrow();
  });
});
