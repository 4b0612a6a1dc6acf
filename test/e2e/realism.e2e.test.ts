import { createHash } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../src/surfaces/cli/cli-error.js';
import { registerRealismCommand } from '../../src/surfaces/cli/realism.command.js';
import { loadConfig } from '../../src/infra/config/config.js';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import { runFile } from '../../src/actors/drivers/file.driver.js';
import { PLANNED_CHUNK_BYTES, writePlannedFile } from '../../src/actors/drivers/planned-file.driver.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import type { Persona } from '../../src/domain/persona.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { planFile } from '../builders/baseline.builders.js';
import { seededRng } from '../../src/domain/rng.js';
import { EngineFixture } from '../infra/docker/engine.fixture.js';
import { tempDir } from '../infra/store/store-fixtures.js';
import { hasDocker } from '../support/docker-available.js';

const fx = new EngineFixture('dnt-rz');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
const DECKY = `${fx.prefix}-web01`;
const CONTAINER = `${DECKY}-ssh`;
const CANARY = `/tmp/${fx.prefix}-canary`;
const ENV = { DECNET_SPOOL_ROOT: '/var/spool/mail-archive', DECNET_EXEC_TIMEOUT: '20' };
const PERSONAS: Persona[] = [
  {
    name: 'Ann Keller',
    email: 'ann.keller@corp.example',
    role: 'engineer',
    tone: 'direct',
    mannerisms: [],
    language: 'en',
    signature: null,
    active_hours: '09:00-17:30',
    reply_latency: 'normal',
    uses_llms_heavily: false,
    timezone: 'Europe/Berlin',
  },
];

async function cli(dbPath: string, args: string[]) {
  const lines: string[] = [];
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath, ...ENV }), logger: silentLogger, out: (l) => lines.push(l) };
  const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerRealismCommand(program, ctx, { pool: { load: async () => PERSONAS }, hostZone: 'UTC' });
  try {
    await program.parseAsync(['node', 'decnet', ...args]);
    return { lines, exitCode: 0 };
  } catch (err) {
    if (err instanceof CliError) return { lines, exitCode: err.exitCode };
    throw err;
  }
}

async function sh(script: string, ...args: string[]): Promise<string> {
  const r = await port.exec({ container: CONTAINER, argv: ['sh', '-c', script, 'sh', ...args] });
  expect(r.rc, r.stderr).toBe(0);
  return r.stdout;
}

describe.runIf(hasDocker)('realism on the real engine', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dbPath: string;
  beforeAll(async () => {
    tmp = await tempDir();
    dbPath = tmp.dbPath();
    const c = await fx.decky({ name: DECKY, services: ['ssh'] });
    // Ann's account: people's files go only in the homes of accounts the decky has
    await sh('useradd -m -s /bin/bash akeller');
    const store = await openStore({ dbPath });
    await store.inventory.reconcileHost('local', [{ name: DECKY, hostUuid: 'local', services: ['ssh'], ip: c.ip, running: true }], {
      remote: false,
    });
    await store.close();
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
    await tmp.cleanup();
  });

  it('backfill writes files whose stat mtimes and contents match the store', async () => {
    const r = await cli(dbPath, ['realism', 'backfill', '--days', '21', '--seed', '11']);
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const store = await openStore({ dbPath });
    const files = await store.files.filesOf(`local:${DECKY}`);
    await store.close();
    expect(files.length).toBeGreaterThanOrEqual(5);
    const out = await sh('for p in "$@"; do stat -c %Y -- "$p"; sha256sum -- "$p" | cut -d" " -f1; done', ...files.map((f) => f.path));
    const lines = out.trim().split('\n');
    files.forEach((f, i) => {
      expect(Number(lines[2 * i]), f.path).toBe(Math.floor(f.lastModified.getTime() / 1000));
      expect(lines[2 * i + 1], f.path).toBe(f.contentHash);
    });
  });

  it('leaves no partial files behind and gives directories their newest entry’s mtime', async () => {
    expect(await sh('find /home /var/log /var/cache /etc/cron.d /root -name "*.partial" 2>/dev/null || true')).toBe('');
    const home = (await sh('ls -d /home/*/')).trim().split('\n')[0]!.replace(/\/$/, '');
    const newest = await sh(`find "$1" -mindepth 1 -maxdepth 1 -printf '%T@\\n' | sort -n | tail -n 1 | cut -d. -f1`, home);
    expect((await sh('stat -c %Y -- "$1"', home)).trim()).toBe(newest.trim());
  });

  it('check --inspect-deckies passes on the backfilled decky, with the mtime check really run', async () => {
    const r = await cli(dbPath, ['realism', 'check', '--json', '--inspect-deckies']);
    const report = JSON.parse(r.lines[0]!);
    expect(report.checks.filter((c: { pass: boolean }) => !c.pass)).toEqual([]);
    expect(r.exitCode).toBe(0);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName['mtime-matches-date']).toMatchObject({ skipped: false, figure: 0 });
    expect(byName['files-outside-hours']).toMatchObject({ skipped: false });
    expect(byName['fixed-interval']).toMatchObject({ skipped: false, figure: 0 });
  });

  it('writes hostile names literally, streams a large body in chunks, and runs nothing it was given', async () => {
    const mtime = new Date('2025-01-15T10:20:30Z');
    const body = 'log line\n'.repeat(Math.ceil((PLANNED_CHUNK_BYTES * 2.5) / 9));
    for (const path of [
      `/home/ann/x'; touch ${CANARY}; '.txt`,
      `/home/ann/$(touch ${CANARY}).txt`,
      '/home/ann/`id` "q".txt',
      '/var/log/big.log',
    ]) {
      const w = await writePlannedFile(port, DECKY, { path, body, mtime });
      expect(w.success, w.stderr).toBe(true);
      expect(await sh('stat -c %Y -- "$1"; sha256sum < "$1" | cut -d" " -f1', path)).toBe(
        `${mtime.getTime() / 1000}\n${createHash('sha256').update(body).digest('hex')}\n`,
      );
    }
    expect((await port.exec({ container: CONTAINER, argv: ['test', '-e', CANARY] })).rc).toBe(1);
  });

  it('check fails once the §3.2 baseline has planted an epoch-numbered file', async () => {
    const plan = planFile(seededRng(1), new Date());
    const outcome = await runFile(port, { dstName: DECKY, path: plan.path, content: plan.content });
    expect(outcome.success).toBe(true);
    const store = await openStore({ dbPath });
    await store.events.recordEvents([
      {
        uuid: randomUUID(),
        ts: new Date(),
        kind: 'file',
        protocol: 'ssh',
        action: outcome.action,
        srcDeckyUuid: null,
        dstDeckyUuid: `local:${DECKY}`,
        success: true,
        payload: outcome.payload,
      },
    ]);
    await store.close();
    const r = await cli(dbPath, ['realism', 'check', '--json', '--inspect-deckies']);
    expect(r.exitCode).toBe(1);
    const epoch = JSON.parse(r.lines[0]!).checks.find((c: { name: string }) => c.name === 'epoch-file-names');
    expect(epoch).toMatchObject({ pass: false, figure: 1 });
  });
});
