import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailgenHandle } from '../../src/actors/email/emailgen.runtime.js';
import { buildProgram } from '../../src/cli.js';
import type { CliContext } from '../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../src/surfaces/cli/cli-error.js';
import { type EmailgenRunDeps, parseEmailgenRunOptions, registerEmailgenRunCommand } from '../../src/surfaces/cli/emailgen-run.command.js';
import type { BusPort } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { loadConfig } from '../../src/infra/config/config.js';
import type { LLMBackend } from '../../src/infra/llm/base.js';
import { FakeLlm } from '../../src/infra/llm/impl/fake.js';
import { type Logger, silentLogger } from '../../src/infra/log/logger.port.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { FakeMailDocker } from '../fakes/fake-mail-docker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(llm: LLMBackend = new FakeLlm()) {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-emailgen-cmd-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'decnet.sqlite');
  const poolPath = join(dir, 'pool.json');
  await writeFile(
    poolPath,
    JSON.stringify([
      { name: 'Ana', email: 'ana@corp.example', role: 'CFO', active_hours: '00:00-00:00' },
      { name: 'Ben', email: 'ben@corp.example', role: 'CTO', active_hours: '00:00-00:00' },
    ]),
  );
  const logs: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    logs.push({ level, obj: typeof obj === 'string' ? {} : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath, DECNET_SPOOL_ROOT: '/srv/mail' }), logger, out: () => {} };
  const docker = new FakeMailDocker();
  docker.addDecky('mail01', { services: ['imap'] });
  const signals = new EventEmitter();
  const bus = createMemoryBus({ logger: silentLogger });
  const models: (string | undefined)[] = [];
  const deps: EmailgenRunDeps = {
    createDocker: () => docker,
    createBus: () => bus as BusPort,
    createLlm: (o) => {
      models.push(o.model);
      return llm;
    },
    pool: { env: { DECNET_EMAILGEN_PERSONAS: poolPath } },
    signals: signals as unknown as EmailgenRunDeps['signals'],
    runtime: { seed: 9, settings: { persona: { meanGapMs: 0 } } },
  };
  const run = (args: string[], extra: Partial<EmailgenRunDeps> = {}) => {
    const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerEmailgenRunCommand(program.command('emailgen'), ctx, { ...deps, ...extra });
    // the history backfill of new deckies has its own tests (test/actors/backfill-runs.test.ts, test/e2e/backfill.e2e.test.ts)
    return program.parseAsync(['node', 'decnet', 'emailgen', '--no-backfill', ...args]);
  };
  const rows = async () => {
    const store = await openStore({ dbPath });
    try {
      return (await store.emails.listEmails({ limit: 1000, offset: 0 })).data;
    } finally {
      await store.close();
    }
  };
  return { run, rows, logs, docker, signals, bus, models };
}

describe('emailgen run command', () => {
  it('`decnet-orchestrator emailgen` with no subcommand runs the worker, with --ticks and --model', async () => {
    const r = await rig();
    await r.run(['--interval', '0.005', '--ticks', '2', '--model', 'mistral:7b']);
    expect(r.models).toEqual(['mistral:7b']);
    const rows = await r.rows();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.emlPath.startsWith('/srv/mail/'))).toBe(true);
    expect(r.logs.filter((l) => l.msg === 'email' && l.obj.kind === 'email')).toHaveLength(rows.length);
    expect(r.logs).toContainEqual(
      expect.objectContaining({ msg: 'emailgen stopped', obj: expect.objectContaining({ reason: 'ticks', ticks: 2 }) }),
    );
    expect(r.signals.listenerCount('SIGTERM') + r.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('is registered in the real program as the default of `emailgen`, beside import-personas', () => {
    const ctx: CliContext = { config: () => loadConfig({}), logger: silentLogger, out: () => {} };
    const emailgen = buildProgram(ctx).commands.find((c) => c.name() === 'emailgen')!;
    expect(emailgen.commands.map((c) => c.name()).sort()).toEqual(['import-personas', 'run']);
    expect((emailgen as unknown as { _defaultCommandName: string })._defaultCommandName).toBe('run');
  });

  it.each(['SIGTERM', 'SIGINT'])('on %s drains the email in flight and returns', async (signal) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const slow: LLMBackend = {
      name: 'fake',
      model: 'slow',
      timeoutMs: 60_000,
      generate: async () => {
        started += 1;
        await gate;
        return new FakeLlm().generate('x');
      },
    };
    const r = await rig(slow);
    let handle: EmailgenHandle | undefined;
    const done = r.run(['--interval', '0.005'], {
      onStart: (h) => {
        handle = h;
      },
    });
    while (!handle || handle.actor.getSnapshot().context.asked === 0) await new Promise((res) => setTimeout(res, 5));
    r.signals.emit(signal, signal);
    await new Promise((res) => setTimeout(res, 20));
    // Both personas may already be waiting on the LLM when the signal lands; each of those is
    // in flight and must be drained, and nothing new may start after the signal.
    const inFlight = started;
    release();
    await done;
    expect(started).toBe(inFlight);
    const rows = await r.rows();
    expect(inFlight).toBeGreaterThanOrEqual(1);
    expect(rows).toHaveLength(inFlight);
    expect(rows.every((row) => row.success)).toBe(true);
    expect(r.logs).toContainEqual(
      expect.objectContaining({ msg: 'emailgen stopped', obj: expect.objectContaining({ reason: 'signal', abandoned: 0 }) }),
    );
  });

  it('stops on {action:"stop"} on system.emailgen.control and beats on system.emailgen.health', async () => {
    const r = await rig();
    const beats: Record<string, unknown>[] = [];
    r.bus.subscribe('system.emailgen.health', (e) => beats.push(e.payload));
    const done = r.run(['--interval', '0.005'], {
      onStart: () => setTimeout(() => r.bus.publish('system.emailgen.control', 'worker.control', { action: 'stop' }), 30),
    });
    await done;
    expect(r.logs).toContainEqual(
      expect.objectContaining({ msg: 'emailgen stopped', obj: expect.objectContaining({ reason: 'control' }) }),
    );
    expect(beats[0]).toMatchObject({
      worker: 'emailgen',
      ts: expect.any(String),
      llm: { backend: 'fake', model: 'fake', breaker: 'closed' },
      actors: expect.any(Object),
    });
  });

  it.each([
    [{ interval: '0' }, '--interval'],
    [{ interval: 'soon' }, '--interval'],
    [{ interval: '1', ticks: '0' }, '--ticks'],
    [{ interval: '1', ticks: '2.5' }, '--ticks'],
    [{ interval: '1', model: 'llama; rm -rf /' }, '--model'],
  ])('refuses %j with exit status 2 naming %s', (raw, name) => {
    try {
      parseEmailgenRunOptions(raw);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as Error).message).toContain(name);
    }
  });

  it('refuses a wrong DECNET_EMAILGEN_LLM before opening anything', async () => {
    const r = await rig();
    let opened = 0;
    const previous = process.env.DECNET_EMAILGEN_LLM;
    process.env.DECNET_EMAILGEN_LLM = 'gpt-9';
    try {
      const run = r.run(['--ticks', '1'], {
        createLlm: undefined,
        openStore: async (o) => {
          opened += 1;
          return openStore(o);
        },
      });
      await expect(run).rejects.toThrow(/accepted values: ollama, fake/);
    } finally {
      if (previous === undefined) delete process.env.DECNET_EMAILGEN_LLM;
      else process.env.DECNET_EMAILGEN_LLM = previous;
    }
    expect(opened).toBe(0);
  });
});
