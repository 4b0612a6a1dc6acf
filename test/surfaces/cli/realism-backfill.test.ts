import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOptions, parseBackfillFlags } from '../../../src/surfaces/cli/backfill-flags.js';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { parseEmailgenRunOptions } from '../../../src/surfaces/cli/emailgen-run.command.js';
import { parseOrchestrateOptions } from '../../../src/surfaces/cli/orchestrate.command.js';
import { registerRealismCommand } from '../../../src/surfaces/cli/realism.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import type { LLMBackend } from '../../../src/infra/llm/base.js';
import { FakeLlm } from '../../../src/infra/llm/impl/fake.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { officeWorker } from '../../builders/emailgen.builders.js';
import { FakeMailDocker } from '../../fakes/fake-mail-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';
import { tempDir } from '../../infra/store/store-fixtures.js';

const SPOOL = '/var/spool/mail-archive';
const person = officeWorker;
const POOL = [
  person('Ann Keller', 'ann.keller@corp.example', 'Europe/Berlin'),
  person('Bob Stone', 'bob.stone@corp.example', 'America/New_York'),
];

async function run(dbPath: string, args: string[], fake: FakeMailDocker, llm: () => LLMBackend) {
  const lines: string[] = [];
  const ctx: CliContext = {
    config: () => loadConfig({ DECNET_DB: dbPath, DECNET_SPOOL_ROOT: SPOOL }),
    logger: silentLogger,
    out: (l) => lines.push(l),
  };
  const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerRealismCommand(program, ctx, {
    createDocker: () => fake,
    createLlm: llm,
    pool: { load: async () => POOL },
    now: () => new Date('2025-03-24T16:00:00Z'),
    hostZone: 'UTC',
  });
  try {
    await program.parseAsync(['node', 'decnet', ...args]);
    return { lines, exitCode: 0 };
  } catch (err) {
    if (err instanceof CliError) return { lines, exitCode: err.exitCode };
    throw err;
  }
}

describe('decnet-orchestrator realism backfill --emails', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  async function world() {
    const dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.inventory.reconcileHost(
      'local',
      [
        { name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.2', running: true },
        { name: 'mail01', hostUuid: 'local', services: ['imap'], ip: '10.0.0.3', running: true },
      ],
      { remote: false },
    );
    await store.close();
    const fake = new FakeMailDocker();
    fake.addDecky('web01');
    fake.addDecky('mail01', { services: ['imap'] });
    modelPlannedFiles(fake);
    return { dbPath, fake };
  }

  it('writes past threads into the mail decky, capped, and marks both kinds done so the workers never redo them', async () => {
    const { dbPath, fake } = await world();
    const llm = new FakeLlm();
    const r = await run(dbPath, ['realism', 'backfill', '--days', '14', '--seed', '3', '--emails', '--max-emails', '6'], fake, () => llm);
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    expect(r.lines.at(-1)).toMatch(/^backfilled 1 of 2 deckies over 14 days \(seed 3\); 1 of 1 mail deckies given [1-6] emails$/);
    const store = await openStore({ dbPath });
    const rows = (await store.emails.listEmails({ limit: 100, offset: 0 })).data;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(6);
    expect(rows.every((x) => x.success && x.payload.backfilled === true)).toBe(true);
    expect(fake.spool).toHaveLength(rows.length);
    expect(llm.prompts).toHaveLength(rows.length);
    expect(await store.backfills.getBackfill('local:mail01', 'emails')).toMatchObject({ status: 'done', items: rows.length });
    expect(await store.backfills.getBackfill('local:web01', 'files')).toMatchObject({ status: 'done' });
    await store.close();
    // a second run finds both pasts and leaves them alone
    const again = await run(dbPath, ['realism', 'backfill', '--days', '14', '--emails'], fake, () => llm);
    expect(again.exitCode).toBe(0);
    expect(llm.prompts).toHaveLength(rows.length);
    expect(again.lines.some((l) => l.includes('skipped: already has emails'))).toBe(true);
  });

  it('exits 1 and records failed rows when the LLM is down, without marking the decky done', async () => {
    const { dbPath, fake } = await world();
    const r = await run(
      dbPath,
      ['realism', 'backfill', '--days', '14', '--emails'],
      fake,
      () => new FakeLlm({ mode: 'fail', failure: 'connection refused' }),
    );
    expect(r.exitCode).toBe(1);
    const store = await openStore({ dbPath });
    const rows = (await store.emails.listEmails({ limit: 100, offset: 0 })).data;
    expect(rows).toHaveLength(5);
    expect(rows.every((x) => !x.success && x.payload.stage === 'llm')).toBe(true);
    expect(await store.backfills.getBackfill('local:mail01', 'emails')).toBeNull();
    await store.close();
  });

  it('asks no LLM without --emails, and refuses a bad --max-emails or LLM setting before writing anything', async () => {
    const { dbPath, fake } = await world();
    let asked = 0;
    const r = await run(dbPath, ['realism', 'backfill', '--days', '14'], fake, () => {
      asked += 1;
      return new FakeLlm();
    });
    expect(r.exitCode).toBe(0);
    expect(asked).toBe(0);
    expect(r.lines.at(-1)).toMatch(/; emails are not backfilled$/);
    const fresh = await world();
    for (const bad of ['0', '1001', '5; rm -rf /', '-3']) {
      expect(
        (await run(fresh.dbPath, ['realism', 'backfill', '--emails', '--max-emails', bad], fresh.fake, () => new FakeLlm())).exitCode,
      ).toBe(2);
    }
    const wrong = await run(fresh.dbPath, ['realism', 'backfill', '--emails'], fresh.fake, () => {
      throw new CliError('invalid DECNET_EMAILGEN_LLM', 2);
    });
    expect(wrong.exitCode).toBe(2);
    expect(fresh.fake.calls).toHaveLength(0);
  });
});

describe('worker backfill flags', () => {
  it('parse --no-backfill and --backfill-days for both workers, refusing bad days with exit status 2', () => {
    expect(parseBackfillFlags({ backfill: true })).toEqual({});
    expect(parseBackfillFlags({ backfill: false, backfillDays: '30' })).toEqual({ backfill: false, backfillDays: 30 });
    expect(parseOrchestrateOptions({ interval: '60', backfill: false })).toMatchObject({ backfill: false });
    expect(parseEmailgenRunOptions({ interval: '60', backfillDays: '7' })).toMatchObject({ backfillDays: 7 });
    for (const bad of ['0', '366', '1.5', 'x', '7; id', '']) {
      expect(() => parseOrchestrateOptions({ interval: '60', backfillDays: bad })).toThrow(CliError);
      expect(() => parseEmailgenRunOptions({ interval: '60', backfillDays: bad })).toThrow(
        /--backfill-days must be an integer from 1 to 365/,
      );
    }
  });

  it('take DECNET_NO_BACKFILL and DECNET_BACKFILL_DAYS from the environment, for systemd units', () => {
    const parse = (env: Record<string, string>) => {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        const cmd = new Command('x').exitOverride();
        for (const o of backfillOptions()) cmd.addOption(o);
        cmd.parse([], { from: 'user' });
        return parseBackfillFlags(cmd.opts());
      } finally {
        for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
      }
    };
    expect(parse({})).toEqual({});
    expect(parse({ DECNET_NO_BACKFILL: '1' })).toEqual({ backfill: false });
    expect(parse({ DECNET_NO_BACKFILL: 'yes' })).toEqual({ backfill: false });
    // "0" means keep backfilling: a set-but-false switch must not turn it off
    expect(parse({ DECNET_NO_BACKFILL: '0' })).toEqual({});
    expect(parse({ DECNET_NO_BACKFILL: 'false' })).toEqual({});
    expect(() => parse({ DECNET_NO_BACKFILL: 'maybe' })).toThrow(/DECNET_NO_BACKFILL must be 1 or 0/);
    expect(parse({ DECNET_BACKFILL_DAYS: '30' })).toEqual({ backfillDays: 30 });
    expect(() => parse({ DECNET_BACKFILL_DAYS: '$(id)' })).toThrow(/--backfill-days must be an integer/);
  });
});
