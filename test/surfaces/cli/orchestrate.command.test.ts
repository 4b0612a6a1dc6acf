import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrchestratorHandle } from '../../../src/actors/orchestrator.runtime.js';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import {
  type OrchestrateDeps,
  parseOrchestrateOptions,
  registerOrchestrateCommand,
} from '../../../src/surfaces/cli/orchestrate.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { FakeDocker } from '../../fakes/fake-docker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig() {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-cmd-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'decnet.sqlite');
  const logs: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) => {
    logs.push({ level, obj: typeof obj === 'string' ? {} : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  const out: string[] = [];
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath }), logger, out: (l) => out.push(l) };
  const docker = new FakeDocker();
  docker.addDecky('web01', { ip: '10.0.0.11' });
  docker.addDecky('web02', { ip: '10.0.0.12' });
  const signals = new EventEmitter();
  let opened = 0;
  const deps: OrchestrateDeps = {
    openStore: (o) => {
      opened += 1;
      return openStore(o);
    },
    createDocker: () => docker,
    signals: signals as unknown as OrchestrateDeps['signals'],
    runtime: { seed: 3, settings: { writer: { flushMs: 1 } } },
  };
  const run = (args: string[], extra: Partial<OrchestrateDeps> = {}) => {
    const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerOrchestrateCommand(program, ctx, { ...deps, ...extra });
    // the history backfill of new deckies has its own tests (test/actors/backfill-runs.test.ts, test/e2e/backfill.e2e.test.ts)
    return program.parseAsync(['node', 'decnet', 'orchestrate', '--no-backfill', ...args]);
  };
  const rows = async () => {
    const store = await openStore({ dbPath });
    try {
      return (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
    } finally {
      await store.close();
    }
  };
  return { run, rows, logs, out, docker, signals, opened: () => opened };
}

describe('orchestrate command', () => {
  it('with --ticks N, runs N ticks, records the actions and returns (exit 0), printing nothing but logs', async () => {
    const r = await rig();
    await r.run(['--interval', '0.005', '--ticks', '3']);
    const rows = await r.rows();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(r.out).toEqual([]);
    expect(r.logs.filter((l) => l.level === 'info' && l.msg === 'action')).toHaveLength(rows.length);
    expect(r.logs).toContainEqual(
      expect.objectContaining({ msg: 'orchestrator stopped', obj: expect.objectContaining({ reason: 'ticks', ticks: 3 }) }),
    );
    expect(r.signals.listenerCount('SIGTERM') + r.signals.listenerCount('SIGINT')).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'])('on %s stops gracefully: drains, flushes and returns', async (signal) => {
    const r = await rig();
    let handle: OrchestratorHandle | undefined;
    r.docker.scriptNextExec('web01-ssh', { kind: 'hang' });
    r.docker.scriptNextExec('web02-ssh', { kind: 'hang' });
    const done = r.run(['--interval', '0.005'], {
      onStart: (h) => {
        handle = h;
      },
      runtime: { seed: 3, settings: { writer: { flushMs: 1 }, execTimeoutMs: 100 } },
    });
    while (r.docker.calls.length === 0) await new Promise((res) => setTimeout(res, 5));
    r.signals.emit(signal, signal);
    await done;
    expect(await handle!.done).toMatchObject({ reason: 'signal', abandoned: 0 });
    // the in-flight action finished within its bound and its row was flushed before returning
    expect((await r.rows()).length).toBe(r.docker.calls.length);
    expect(r.signals.listenerCount(signal)).toBe(0);
  });

  it('refuses bad options with exit status 2 before opening the database', async () => {
    const r = await rig();
    for (const args of [
      ['--interval', '0'],
      ['--interval', 'abc'],
      ['--ticks', '0'],
      ['--ticks', '1.5'],
      ['--rate', '-1'],
    ]) {
      const err = await r.run(args).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
    }
    expect(r.opened()).toBe(0);
  });
});

describe('parseOrchestrateOptions', () => {
  it('accepts positive seconds (fractions too) and positive integer ticks', () => {
    expect(parseOrchestrateOptions({ interval: '60' })).toEqual({ intervalMs: 60_000 });
    expect(parseOrchestrateOptions({ interval: '0.2', ticks: '30' })).toEqual({ intervalMs: 200, ticks: 30 });
    expect(parseOrchestrateOptions({ interval: '1', rate: '12' })).toEqual({ intervalMs: 1_000, ratePerDeckyPerHour: 12 });
  });

  it.each(['0', '-1', 'abc', '', 'Infinity', 'NaN', '1e999', '0x10', '5s', '1;rm -rf /'])('refuses --interval %j', (interval) => {
    expect(() => parseOrchestrateOptions({ interval })).toThrow(/--interval must be a positive number/);
  });

  it.each(['0', '-3', '1.5', 'abc', '1e3', '', '9999999999'])('refuses --ticks %j', (ticks) => {
    expect(() => parseOrchestrateOptions({ interval: '1', ticks })).toThrow(/--ticks must be a positive integer/);
  });
});
