import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { startHttpIfAsked } from '../../../src/surfaces/cli/operator-surface.js';
import { registerRealismCommand } from '../../../src/surfaces/cli/realism.command.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { REALISM_CHECK_PATH } from '../../../src/surfaces/http/realism-route.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import type { Store } from '../../../src/infra/store/store.port.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { rawGet } from '../http/support/http-client.js';
import { anEmail, anEvent, tempDir } from '../../infra/store/store-fixtures.js';

const ENV = { DECNET_SPOOL_ROOT: '/var/spool/mail-archive' };

describe('the operator surface’s realism report', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dbPath: string;
  let store: Store;
  let http: Awaited<ReturnType<typeof startHttpIfAsked>>;
  const previousPool = process.env.DECNET_EMAILGEN_PERSONAS;
  const docker = new FakeDocker();

  beforeAll(async () => {
    tmp = await tempDir();
    dbPath = tmp.dbPath();
    const poolPath = join(tmp.dir, 'pool.json');
    await writeFile(
      poolPath,
      JSON.stringify([{ name: 'Ann', email: 'ann@corp.example', role: 'CFO', active_hours: '09:00-17:00', timezone: 'Europe/Berlin' }]),
    );
    process.env.DECNET_EMAILGEN_PERSONAS = poolPath;
    store = await openStore({ dbPath });
    // emails at 03:00 Berlin time and the baseline's epoch-numbered file: two tells
    const night = (iso: string) => anEmail({ ts: new Date(iso), senderEmail: 'ann@corp.example' });
    await store.emails.recordEmails([night('2025-01-07T02:00:00Z'), night('2025-01-08T02:10:00Z')]);
    await store.events.recordEvents([
      anEvent({
        kind: 'file',
        action: 'file:create',
        srcDeckyUuid: null,
        dstDeckyUuid: 'local:web01',
        payload: { path: '/home/admin/notes-1777315854.txt', rc: 0 },
      }),
    ]);
    const config = loadConfig({ DECNET_DB: dbPath, ...ENV });
    http = await startHttpIfAsked(
      { http: '127.0.0.1:0' },
      { config, store, bus: createMemoryBus({ logger: silentLogger }), logger: silentLogger, createDocker: () => docker },
    );
  });
  afterAll(async () => {
    await http.close();
    await store.close();
    if (previousPool === undefined) delete process.env.DECNET_EMAILGEN_PERSONAS;
    else process.env.DECNET_EMAILGEN_PERSONAS = previousPool;
    await tmp.cleanup();
  });

  it('serves over real HTTP exactly the JSON `decnet-orchestrator realism check --json` prints', async () => {
    const r = await rawGet(http.url!, REALISM_CHECK_PATH);
    expect(r.status).toBe(200);
    const api = JSON.parse(r.body);
    const lines: string[] = [];
    const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath, ...ENV }), logger: silentLogger, out: (l) => lines.push(l) };
    const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerRealismCommand(program, ctx);
    const exit = await program.parseAsync(['node', 'decnet', 'realism', 'check', '--json']).then(
      () => 0,
      (err: unknown) => (err instanceof CliError ? err.exitCode : -1),
    );
    expect(exit).toBe(1);
    expect(api).toEqual(JSON.parse(lines[0]!));
    expect(api).toMatchObject({ verdict: 'fail', pass: false, corpus: { emails: 2, events: 1, inspected: false } });
    const failed = api.checks.filter((c: { pass: boolean }) => !c.pass).map((c: { name: string }) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['emails-outside-hours', 'epoch-file-names']));
  });

  it('inspects the deckies through the engine only when a POST asks', async () => {
    await store.inventory.reconcileHost('local', [{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.2', running: true }], {
      remote: false,
    });
    docker.addDecky('web01', { ip: '10.0.0.2' });
    const before = docker.calls.length;
    expect(JSON.parse((await rawGet(http.url!, REALISM_CHECK_PATH)).body).corpus.inspected).toBe(false);
    expect(docker.calls.length).toBe(before);
    const r = await rawGet(http.url!, REALISM_CHECK_PATH, { 'Content-Type': 'application/json' }, 'POST', '{"inspect":true}');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).corpus.inspected).toBe(true);
    expect(docker.calls.length).toBeGreaterThan(before);
  });
});
