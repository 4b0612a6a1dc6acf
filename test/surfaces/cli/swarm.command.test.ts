import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { registerSwarmCommand } from '../../../src/surfaces/cli/swarm.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { observed, storeDialects } from '../../infra/store/store-fixtures.js';

async function run(db: string, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: db }), logger: silentLogger, out: (l) => lines.push(l) };
  const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSwarmCommand(program, ctx);
  await program.parseAsync(['node', 'decnet', 'swarm', ...args]);
  return lines;
}

describe.each(await storeDialects())('decnet-orchestrator swarm on $name', (d) => {
  afterAll(() => d.cleanup());

  it('adds, lists and removes hosts', async () => {
    const db = await d.fresh();
    const [added] = await run(db, ['add-host', 'edge-1', 'ssh://ops@10.0.0.5', '--shares-network']);
    expect(added).toMatch(/^added swarm host edge-1 \([0-9a-f-]{36}\) at ssh:\/\/ops@10\.0\.0\.5, sharing a network$/);
    await run(db, ['add-host', 'edge-2', 'unix:///run/e2/docker.sock']);
    const table = await run(db, ['list-hosts']);
    expect(table).toEqual([
      expect.stringMatching(/^UUID\s+NAME\s+ENDPOINT\s+TLS\s+SHARES\s+STATE\s+LAST SEEN$/),
      expect.stringMatching(/^[0-9a-f-]{36}\s+edge-1\s+ssh:\/\/ops@10\.0\.0\.5\s+-\s+yes\s+unknown\s+-$/),
      expect.stringMatching(/^[0-9a-f-]{36}\s+edge-2\s+unix:\/\/\/run\/e2\/docker\.sock\s+-\s+no\s+unknown\s+-$/),
    ]);
    const json = JSON.parse((await run(db, ['list-hosts', '--json']))[0]!) as Array<Record<string, unknown>>;
    expect(json.map((h) => [h.name, h.sharesNetwork])).toEqual([
      ['edge-1', true],
      ['edge-2', false],
    ]);
    expect(await run(db, ['remove-host', 'edge-1'])).toEqual([expect.stringMatching(/^removed swarm host edge-1 /)]);
    expect(await run(db, ['remove-host', String(json[1]!.uuid)])).toEqual([expect.stringMatching(/^removed swarm host edge-2 /)]);
    expect(await run(db, ['list-hosts'])).toEqual(['no swarm hosts']);
  });

  it('stores absolute, checked TLS paths for a tcp:// engine', async () => {
    const db = await d.fresh();
    const dir = await mkdtemp(join(tmpdir(), 'dn-swarm-cmd-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(dir, f), f);
    const tls = ['--tls-ca', join(dir, 'ca.pem'), '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')];
    await run(db, ['add-host', 'edge-tls', 'tcp://10.0.0.9:2376', ...tls]);
    const [host] = JSON.parse((await run(db, ['list-hosts', '--json']))[0]!) as Array<{ tls: Record<string, string> }>;
    expect(host!.tls).toEqual({ ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') });
    await expect(run(db, ['add-host', 'edge-bad', 'tcp://10.0.0.9:2376', '--tls-ca', join(dir, 'missing.pem')])).rejects.toThrow(
      /is not a readable file/,
    );
  });

  it.each([
    [['add-host', 'edge;rm -rf /', 'ssh://ops@h'], /host name must start/],
    [['add-host', 'edge', 'tcp://10.0.0.5:2375'], /needs --tls-ca/],
    [['add-host', 'edge', 'http://h:2375'], /unsupported scheme/],
    [['add-host', 'edge', "ssh://ops@h'; reboot #"], /ssh:\/\/user@host|not a URL/],
  ])('refuses %j with exit status 2 and writes nothing', async (args, why) => {
    const db = await d.fresh();
    const err = (await run(db, args).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 2 });
    expect(err.message).toMatch(why);
    expect(await run(db, ['list-hosts'])).toEqual(['no swarm hosts']);
  });

  it('refuses a duplicate name and a missing host clearly', async () => {
    const db = await d.fresh();
    await run(db, ['add-host', 'edge', 'ssh://ops@h']);
    await expect(run(db, ['add-host', 'edge', 'ssh://ops@other'])).rejects.toThrow(/already exists/);
    await expect(run(db, ['remove-host', 'nope'])).rejects.toThrow(/no swarm host named "nope"/);
  });

  it('tears down the deckies of a removed host', async () => {
    const db = await d.fresh();
    await run(db, ['add-host', 'edge', 'ssh://ops@h']);
    const store = await openStore({ dbPath: db });
    try {
      const host = (await store.swarm.getHost('edge'))!;
      await store.inventory.reconcileHost(host.uuid, [observed('web01', { hostUuid: host.uuid })], { remote: true });
      expect(await store.inventory.listRunningDeckies()).toHaveLength(1);
      await run(db, ['remove-host', 'edge']);
      expect(await store.inventory.listRunningDeckies()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
