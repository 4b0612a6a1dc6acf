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

  it('names itself decnet-orchestrator in usage errors, with a non-zero exit', async () => {
    const run = await runCli(['no-such-command'], {}, { timeoutMs: 30_000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Usage: decnet-orchestrator');
    expect(run.stderr).not.toMatch(/Usage: decnet /);
  });
});
