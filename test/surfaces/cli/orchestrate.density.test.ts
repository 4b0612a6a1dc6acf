import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { MAX_ACTIONS_PER_DAY, parseOrchestrateOptions, registerOrchestrateCommand } from '../../../src/surfaces/cli/orchestrate.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';

describe('orchestrate --actions-per-day', () => {
  it('sets density mode; a bad value or one given with --rate exits 2 naming the option', () => {
    expect(parseOrchestrateOptions({ interval: '60', actionsPerDay: '40' })).toMatchObject({ actionsPerDeckyPerDay: 40 });
    expect(parseOrchestrateOptions({ interval: '60' }).actionsPerDeckyPerDay).toBeUndefined();
    for (const bad of ['0', '-3', 'many', '12; id', String(MAX_ACTIONS_PER_DAY + 1)]) {
      const err = (() => {
        try {
          parseOrchestrateOptions({ interval: '60', actionsPerDay: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as Error).message).toContain('--actions-per-day');
    }
    expect(() => parseOrchestrateOptions({ interval: '60', actionsPerDay: '40', rate: '2' })).toThrow(/--actions-per-day and --rate/);
  });

  it('reads DECNET_ACTIONS_PER_DAY when the flag is not given', async () => {
    const saved = process.env.DECNET_ACTIONS_PER_DAY;
    process.env.DECNET_ACTIONS_PER_DAY = '15';
    try {
      let seen: unknown;
      const program = new Command('decnet').exitOverride();
      const cmd = registerOrchestrateCommand(program, { config: () => loadConfig({}), logger: silentLogger, out: () => {} });
      cmd.action((raw) => {
        seen = parseOrchestrateOptions(raw);
      });
      await program.parseAsync(['node', 'decnet', 'orchestrate']);
      expect(seen).toMatchObject({ actionsPerDeckyPerDay: 15 });
    } finally {
      if (saved === undefined) delete process.env.DECNET_ACTIONS_PER_DAY;
      else process.env.DECNET_ACTIONS_PER_DAY = saved;
    }
  });
});
