import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailgenHandle } from '../../../src/actors/email/emailgen.runtime.js';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import {
  type EmailgenRunDeps,
  MAX_EMAILS_PER_DAY,
  parseEmailgenRunOptions,
  registerEmailgenRunCommand,
} from '../../../src/surfaces/cli/emailgen-run.command.js';
import type { BusPort } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { FakeLlm } from '../../../src/infra/llm/impl/fake.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { FakeMailDocker } from '../../fakes/fake-mail-docker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  delete process.env.DECNET_EMAILGEN_EMAILS_PER_DAY;
});

async function rig() {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-emailgen-density-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'decnet.sqlite');
  const poolPath = join(dir, 'pool.json');
  const always = { active_hours: '00:00-00:00' };
  await writeFile(
    poolPath,
    JSON.stringify([
      { name: 'Ana', email: 'ana@corp.example', role: 'CFO', ...always },
      { name: 'Ben', email: 'ben@corp.example', role: 'CTO', ...always },
    ]),
  );
  const ctx: CliContext = {
    config: () => loadConfig({ DECNET_DB: dbPath, DECNET_SPOOL_ROOT: '/srv/mail' }),
    logger: silentLogger,
    out: () => {},
  };
  const docker = new FakeMailDocker();
  docker.addDecky('mail01', { services: ['imap'] });
  const handles: EmailgenHandle[] = [];
  const deps: EmailgenRunDeps = {
    createDocker: () => docker,
    createBus: () => createMemoryBus({ logger: silentLogger }) as BusPort,
    createLlm: () => new FakeLlm(),
    pool: { env: { DECNET_EMAILGEN_PERSONAS: poolPath } },
    onStart: (h) => handles.push(h),
    runtime: { seed: 9, settings: { persona: { meanGapMs: 0 } } },
  };
  const run = (args: string[]) => {
    const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerEmailgenRunCommand(program.command('emailgen'), ctx, deps);
    return program.parseAsync(['node', 'decnet', 'emailgen', ...args]);
  };
  const rows = async () => {
    const store = await openStore({ dbPath });
    try {
      return (await store.emails.listEmails({ limit: 1000, offset: 0 })).data;
    } finally {
      await store.close();
    }
  };
  return { run, rows, handles };
}

describe('emailgen run --emails-per-day', () => {
  it('hands the density to every persona, and its ticks then ask nobody (the interval mode asks each tick)', async () => {
    const dense = await rig();
    await dense.run(['--interval', '0.005', '--ticks', '3', '--emails-per-day', '6', '--no-backfill']);
    const snapshot = dense.handles[0]!.actor.getSnapshot();
    expect(snapshot.context.personaTuning).toEqual({ meanGapMs: 0, emailsPerDay: 6 });
    expect(snapshot.context.asked).toBe(0);
    // six a working day: none falls inside a few milliseconds
    expect(await dense.rows()).toEqual([]);

    const ticking = await rig();
    await ticking.run(['--interval', '0.005', '--ticks', '3', '--no-backfill']);
    expect(ticking.handles[0]!.actor.getSnapshot().context.asked).toBeGreaterThanOrEqual(1);
    expect((await ticking.rows()).length).toBeGreaterThanOrEqual(1);
  });

  it('reads DECNET_EMAILGEN_EMAILS_PER_DAY when the flag is absent', async () => {
    process.env.DECNET_EMAILGEN_EMAILS_PER_DAY = '12.5';
    const r = await rig();
    await r.run(['--interval', '0.005', '--ticks', '1', '--no-backfill']);
    expect(r.handles[0]!.actor.getSnapshot().context.personaTuning.emailsPerDay).toBe(12.5);
  });

  it.each([
    '0',
    '-3',
    'lots',
    '1;rm -rf /',
    '4\n5',
    String(MAX_EMAILS_PER_DAY + 1),
  ])('refuses --emails-per-day %j with exit status 2', (value) => {
    try {
      parseEmailgenRunOptions({ interval: '300', emailsPerDay: value });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as Error).message).toContain('--emails-per-day');
    }
  });

  it('accepts a fractional density (a quiet persona writes every other day)', () => {
    expect(parseEmailgenRunOptions({ interval: '300', emailsPerDay: '0.5' })).toMatchObject({ emailsPerDay: 0.5, intervalMs: 300_000 });
  });
});
