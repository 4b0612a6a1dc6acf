import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { registerRealismCommand } from '../../../src/surfaces/cli/realism.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import type { ExecRequest } from '../../../src/infra/docker/docker.port.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { Persona } from '../../../src/domain/persona.js';
import { READ_SCRIPT, STAT_SCRIPT } from '../../../src/actors/realism/inspect-deckies.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { persona } from '../../builders/emailgen.builders.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';
import { tempDir } from '../../infra/store/store-fixtures.js';

const ANN: Persona = persona({
  name: 'Ann Keller',
  email: 'ann.keller@corp.example',
  role: 'engineer',
  tone: 'direct',
  mannerisms: [],
  active_hours: '09:00-17:30',
  timezone: 'Europe/Berlin',
});

/** A fake engine with one decky whose files live in memory, stat-able and readable. */
function engine() {
  const fake = new FakeDocker();
  fake.addDecky('web01', { ip: '10.0.0.2' });
  const fs = modelPlannedFiles(fake);
  fake.model(
    (req: ExecRequest) => req.argv[2] === STAT_SCRIPT,
    (req: ExecRequest) => ({
      rc: 0,
      stdout: req.argv
        .slice(4)
        .map((p) => (fs.file(req.container, p) ? `${fs.file(req.container, p)!.mtime} 10` : '- -'))
        .join('\n')
        .concat('\n'),
      stderr: '',
      timedOut: false,
      truncated: false,
      durationMs: 1,
    }),
  );
  fake.model(
    (req: ExecRequest) => req.argv[2] === READ_SCRIPT,
    (req: ExecRequest) => ({
      rc: 0,
      stdout: fs.file(req.container, req.argv[4]!)?.body.toString() ?? '',
      stderr: '',
      timedOut: false,
      truncated: false,
      durationMs: 1,
    }),
  );
  return { fake, fs };
}

async function run(dbPath: string, args: string[], env: Record<string, string> = {}, fake = engine().fake) {
  const lines: string[] = [];
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath, ...env }), logger: silentLogger, out: (l) => lines.push(l) };
  const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerRealismCommand(program, ctx, {
    createDocker: () => fake,
    pool: { load: async () => [ANN] },
    now: () => new Date('2025-03-24T16:00:00Z'),
    hostZone: 'UTC',
  });
  let error: unknown;
  try {
    await program.parseAsync(['node', 'decnet', ...args]);
  } catch (err) {
    error = err;
  }
  if (error !== undefined && !(error instanceof CliError)) console.error(error);
  return { lines, error, exitCode: error === undefined ? 0 : error instanceof CliError ? error.exitCode : -1 };
}

const SPOOL = { DECNET_SPOOL_ROOT: '/var/spool/mail-archive' };

describe('decnet-orchestrator realism', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('check fails on the default spool root and names the variable to change', async () => {
    const r = await run(tmp.dbPath(), ['realism', 'check']);
    expect(r.exitCode).toBe(1);
    expect(String((r.error as Error).message)).toContain('product-name-visible');
    expect(r.lines.find((l) => l.startsWith('product-name-visible'))).toMatch(/FAIL.*DECNET_SPOOL_ROOT/);
    expect(r.lines.at(-1)).toMatch(/^1 of 16 checks failed; 15 skipped \(nothing to judge\): em-dash-rate, /);
  });

  it('check on an empty store never says it passed: it says nothing could be judged, with exit status 3', async () => {
    const r = await run(tmp.dbPath(), ['realism', 'check'], SPOOL);
    expect(r.exitCode).toBe(3);
    expect(r.lines.join('\n')).not.toMatch(/passed/);
    expect(r.lines.at(-1)).toBe('nothing to check: the store holds 0 emails, 0 files, 0 events; 15 of 16 checks skipped, not a pass');
  });

  it('check --json prints the whole report on one line, with the verdict and what it read', async () => {
    const r = await run(tmp.dbPath(), ['realism', 'check', '--json'], SPOOL);
    expect(r.lines).toHaveLength(1);
    const report = JSON.parse(r.lines[0]!);
    expect(report).toMatchObject({ pass: false, verdict: 'nothing-checked', ran: 1, skipped: 15, failed: 0, notes: [] });
    expect(report.corpus).toEqual({ emails: 0, files: 0, events: 0, personas: 1, inspected: false });
    expect(report.checks).toHaveLength(16);
    expect(report.checks[0]).toEqual(expect.objectContaining({ name: 'em-dash-rate', figure: 0, threshold: 0, pass: true, skipped: true }));
  });

  it('check flags the §3.2 baseline’s epoch-numbered file names from file events', async () => {
    const dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.events.recordEvents(
      [1777315854, 1777315914].map((ts) => ({
        uuid: randomUUID(),
        ts: new Date(ts * 1000),
        kind: 'file' as const,
        protocol: 'ssh' as const,
        action: 'file:create',
        srcDeckyUuid: null,
        dstDeckyUuid: 'local:web01',
        success: true,
        payload: { path: `/home/admin/notes-${ts}.txt`, bytes: 40, rc: 0 },
      })),
    );
    await store.close();
    const r = await run(dbPath, ['realism', 'check', '--json'], SPOOL);
    expect(r.exitCode).toBe(1);
    const epoch = JSON.parse(r.lines[0]!).checks.find((c: { name: string }) => c.name === 'epoch-file-names');
    expect(epoch).toMatchObject({ pass: false, figure: 2 });
  });

  it.each([['0'], ['366'], ['abc'], ['1e3']])('backfill refuses --days %s with exit status 2 before touching anything', async (days) => {
    const { fake } = engine();
    const r = await run(tmp.dbPath(), ['realism', 'backfill', '--days', days], SPOOL, fake);
    expect(r.exitCode).toBe(2);
    expect(fake.calls).toHaveLength(0);
  });

  it('backfill gives a running decky weeks of past, and check --inspect-deckies then passes', async () => {
    const dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.inventory.reconcileHost('local', [{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.2', running: true }], {
      remote: false,
    });
    await store.close();
    const { fake, fs } = engine();
    const b = await run(dbPath, ['realism', 'backfill', '--days', '14', '--seed', '3'], SPOOL, fake);
    expect(b.exitCode).toBe(0);
    expect(b.lines.at(-1)).toBe('backfilled 1 of 1 deckies over 14 days (seed 3); emails are not backfilled');
    expect(fs.files.size).toBeGreaterThan(3);
    const c = await run(dbPath, ['realism', 'check', '--json', '--inspect-deckies'], SPOOL, fake);
    const report = JSON.parse(c.lines[0]!);
    expect(report.checks.filter((x: { pass: boolean }) => !x.pass)).toEqual([]);
    expect(report.checks.find((x: { name: string }) => x.name === 'mtime-matches-date')).toMatchObject({ skipped: false, figure: 0 });
    // a file touched behind the daemon's back is caught
    const [key, file] = [...fs.files.entries()][0]!;
    fs.files.set(key, { ...file, mtime: file.mtime + 3600 });
    const d = await run(dbPath, ['realism', 'check', '--json', '--inspect-deckies'], SPOOL, fake);
    expect(d.exitCode).toBe(1);
    expect(JSON.parse(d.lines[0]!).checks.find((x: { name: string }) => x.name === 'mtime-matches-date')).toMatchObject({
      pass: false,
      figure: 1,
    });
  });
});
