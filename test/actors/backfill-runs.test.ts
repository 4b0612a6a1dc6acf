import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emailsAutoBackfill, filesAutoBackfill } from '../../src/actors/backfill-runs.js';
import { startEmailgen } from '../../src/actors/email/emailgen.runtime.js';
import { startOrchestrator } from '../../src/actors/orchestrator.runtime.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { FakeLlm } from '../../src/infra/llm/impl/fake.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import type { Persona } from '../../src/domain/persona.js';
import { PLANNED_FILE_SCRIPT } from '../../src/actors/drivers/planned-file.driver.js';
import { openStore, type Store } from '../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../src/infra/store/topology-file.schema.js';
import { FakeDocker } from '../fakes/fake-docker.js';
import { FakeMailDocker } from '../fakes/fake-mail-docker.js';
import { modelPlannedFiles } from '../fakes/planned-fs.fake.js';

const SPOOL = '/var/spool/mail-archive';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openWorld(): Promise<{ store: Store; dbPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-backfill-'));
  const dbPath = join(dir, 'decnet.sqlite');
  const store = await openStore({ dbPath });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, dbPath };
}

const persona = (email: string): Persona => ({
  name: email.split('@')[0]!,
  email,
  role: 'Analyst',
  tone: 'direct',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '00:00-00:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
  timezone: 'Europe/Berlin',
});
const common = (store: Store) => ({
  log: store.backfills,
  personasFor: async () => [persona('ann@corp.example'), persona('bob@corp.example')],
  hostZone: 'UTC',
  logger: silentLogger,
  seed: 3,
});

describe('automatic backfill in the orchestrator runtime', () => {
  const orchestrate = async (store: Store, docker: FakeDocker, backfill: boolean) => {
    const handle = startOrchestrator({
      settings: { intervalMs: 20, ticks: 5, writer: { flushMs: 1 } },
      inventory: store.inventory,
      events: store.events,
      bus: createMemoryBus({ logger: silentLogger }),
      logger: silentLogger,
      docker,
      seed: 42,
      ...(backfill ? { backfill: filesAutoBackfill({ ...common(store), days: 14, files: store.files, events: store.events }) } : {}),
    });
    await handle.done;
  };
  const writes = (docker: FakeDocker) => docker.calls.filter((c) => c.argv[2] === PLANNED_FILE_SCRIPT).length;

  it('gives a decky seen for the first time its past once, and a second run none', async () => {
    const { store } = await openWorld();
    const docker = new FakeDocker();
    docker.addDecky('web01', { ip: '10.0.0.11' });
    const fs = modelPlannedFiles(docker);
    await orchestrate(store, docker, true);
    const files = await store.files.filesOf('local:web01');
    expect(files.length).toBeGreaterThan(3);
    expect(writes(docker)).toBe(files.length);
    for (const f of files) expect(fs.file('web01-ssh', f.path)?.mtime).toBe(Math.floor(f.lastModified.getTime() / 1000));
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'done', items: files.length, attempts: 1 });
    const events = (await store.events.listEvents({ limit: 1000, offset: 0 })).data.filter((e) => e.payload.backfilled === true);
    expect(events.length).toBeGreaterThanOrEqual(files.length);
    await orchestrate(store, docker, true);
    expect(writes(docker)).toBe(files.length);
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ attempts: 1 });
  });

  it('without the backfill dep (--no-backfill) writes no past', async () => {
    const { store } = await openWorld();
    const docker = new FakeDocker();
    docker.addDecky('web01', { ip: '10.0.0.11' });
    modelPlannedFiles(docker);
    await orchestrate(store, docker, false);
    expect(writes(docker)).toBe(0);
    expect(await store.backfills.getBackfill('local:web01', 'files')).toBeNull();
  });
});

describe('automatic backfill in the emailgen runtime', () => {
  it('gives a new mail decky past threads once, beside the live emails', async () => {
    const { store } = await openWorld();
    const topo = parseTopologyFile({
      name: 'office',
      language_default: 'en',
      email_personas: [persona('ann@corp.example'), persona('bob@corp.example')],
      deckies: [{ name: 'mail01', services: ['imap'] }],
    });
    const { id } = await store.inventory.importTopology(topo);
    const docker = new FakeMailDocker();
    docker.addDecky('mail01', { services: ['imap'], topologyId: id });
    modelPlannedFiles(docker);
    const run = async () => {
      const handle = startEmailgen({
        settings: { intervalMs: 20, ticks: 2, spoolRoot: SPOOL, persona: { meanGapMs: 0 } },
        inventory: store.inventory,
        topologies: store.inventory,
        emails: store.emails,
        pool: { load: async () => [] },
        llm: new FakeLlm(),
        bus: createMemoryBus({ logger: silentLogger }),
        logger: silentLogger,
        docker,
        seed: 42,
        backfill: emailsAutoBackfill({ ...common(store), days: 14, maxEmails: 8, emails: store.emails, spoolRoot: SPOOL }),
      });
      await handle.done;
      return (await store.emails.listEmails({ limit: 1000, offset: 0 })).data;
    };
    const rows = await run();
    const past = rows.filter((r) => r.payload.backfilled === true);
    expect(past.length).toBeGreaterThan(2);
    expect(past.length).toBeLessThanOrEqual(8);
    expect(past.every((r) => r.success && r.ts.getTime() < Date.now() - 10 * 60_000)).toBe(true);
    const [decky] = await store.inventory.listRunningDeckies();
    expect(await store.backfills.getBackfill(decky!.uuid, 'emails')).toMatchObject({ status: 'done', items: past.length });
    for (const r of past) expect(docker.spoolFile('mail01-imap', r.emlPath)?.mtime).toBe(r.ts.getTime() / 1000);
    const again = await run();
    expect(again.filter((r) => r.payload.backfilled === true)).toHaveLength(past.length);
  });
});
