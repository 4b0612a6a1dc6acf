import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logLines, runCli } from '../../support/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('decnet-orchestrator › the settings files the units read', () => {
  it('sees the database the env file names, as the daemon does, unless the real environment names another', async () => {
    const envFile = join(dir, 'decnet.env');
    await writeFile(envFile, `# as in /etc/decnet/decnet.env\nDECNET_DB="${join(dir, 'daemon.sqlite')}"\n`);
    const run = await runCli(['events', '--json'], { DECNET_ENV_FILE: envFile }, { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'daemon.sqlite'))).toBe(true);

    const real = await runCli(
      ['events', '--json'],
      { DECNET_ENV_FILE: envFile, DECNET_DB: join(dir, 'mine.sqlite') },
      { timeoutMs: 60_000 },
    );
    expect(real.code, real.stderr).toBe(0);
    expect(existsSync(join(dir, 'mine.sqlite'))).toBe(true);
  });

  it('refuses a malformed env file or decnet.ini in one line (exit 2), and still answers --version', async () => {
    const envFile = join(dir, 'decnet.env');
    await writeFile(envFile, 'DECNET_DB=$(id)\nnot a setting\n');
    const run = await runCli(['events'], { DECNET_ENV_FILE: envFile }, { timeoutMs: 60_000 });
    expect([run.code, run.stderr]).toEqual([2, `decnet-orchestrator: ${envFile}:2: expected KEY=VALUE\n`]);
    const ini = join(dir, 'decnet.ini');
    await writeFile(ini, 'type = sqlite\n');
    const bad = await runCli(['deckies'], { DECNET_CONFIG: ini }, { timeoutMs: 60_000 });
    expect([bad.code, bad.stderr]).toEqual([2, `decnet-orchestrator: ${ini}:1: a key before any [section]\n`]);
    expect((await runCli(['--version'], { DECNET_ENV_FILE: envFile }, { timeoutMs: 30_000 })).code).toBe(0);
  });

  it('logs once, at worker start, each seed variable name it read as an alias', async () => {
    const run = await runCli(['orchestrate', '--ticks', '1', '-i', '0.05'], {
      DECNET_DB: join(dir, 'w.sqlite'),
      // no decky on the shared engine carries this label: the tick touches nothing
      DECNET_DOCKER_SCOPE: `decnet.test=${dir.replaceAll('/', '_')}`,
      DECNET_EMAILGEN_MODEL: 'llama3.1',
      DECNET_EMAILGEN_TIMEOUT: '30',
      DECNET_REALISM_TIMEOUT: '30',
    });
    expect(run.code, run.stderr).toBe(0);
    const notices = logLines(run.stdout).filter((l) => typeof l.alias === 'string');
    expect(notices.map((l) => [l.alias, l.name])).toEqual([['DECNET_EMAILGEN_MODEL', 'DECNET_REALISM_MODEL']]);
  });
});
