import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('the decnet-orchestrator program', () => {
  it('prints the package version for --version and -V, and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag], {}, { timeoutMs: 30_000 });
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(pkg.version);
    }
  });

  it('is installed as decnet-orchestrator, never as DECNET’s own decnet command', () => {
    expect(Object.keys(pkg.bin)).toEqual(['decnet-orchestrator']);
  });

  it('names itself decnet-orchestrator in usage errors, with exit 2', async () => {
    const run = await runCli(['no-such-command'], {}, { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: decnet-orchestrator');
    expect(run.stderr).not.toMatch(/Usage: decnet /);
  });

  it.each([
    ['an unknown command', ['no-such-command']],
    ['an unknown option', ['deckies', '--no-such-option']],
    ['a missing argument', ['topology', 'import']],
    ['an option without its value', ['orchestrate', '-i']],
    ['a bad option value', ['orchestrate', '--interval', 'soon']],
    ['a group without its subcommand', ['topology']],
    ['a bad --language', ['emailgen', 'import-personas', '/nonexistent.json', '--language', 'a b']],
    ['--llm with --files-llm', ['orchestrate', '--llm', '--files-llm', 'off']],
  ])('exits 2 for %s, as DECNET’s Typer does for usage errors', async (_what, args) => {
    const run = await runCli(args, {}, { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(2);
  });

  it('exits 0 for --help, on the program and on a command', async () => {
    for (const args of [['--help'], ['orchestrate', '--help']]) expect((await runCli(args, {}, { timeoutMs: 30_000 })).code).toBe(0);
  });

  it('shows DECNET’s short flags and the --llm mapping in the help', async () => {
    const orchestrate = await runCli(['orchestrate', '--help'], {}, { timeoutMs: 30_000 });
    expect(orchestrate.stdout).toMatch(/-i, --interval <seconds>/);
    expect(orchestrate.stdout).toMatch(/--llm\s+DECNET's flag[^-]*=\s+--files-llm/);
    expect(orchestrate.stdout).toMatch(/--no-llm\s+DECNET's flag[^-]*=\s+--files-llm\s+off/);
    expect((await runCli(['emailgen', 'run', '--help'], {}, { timeoutMs: 30_000 })).stdout).toMatch(/-m, --model <name>/);
  });
});
