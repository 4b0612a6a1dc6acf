#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerDeckiesCommand } from './surfaces/cli/deckies.command.js';
import { registerEmailgenImportCommand } from './surfaces/cli/emailgen-import.command.js';
import { registerEmailgenRunCommand } from './surfaces/cli/emailgen-run.command.js';
import { registerEventsCommand } from './surfaces/cli/events.command.js';
import { registerOrchestrateCommand } from './surfaces/cli/orchestrate.command.js';
import { registerRealismCommand } from './surfaces/cli/realism.command.js';
import { registerSwarmCommand } from './surfaces/cli/swarm.command.js';
import { registerTopologyImportCommand } from './surfaces/cli/topology-import.command.js';
import { type CliContext, CliError } from './surfaces/cli/cli-context.js';
import { loadConfig } from './infra/config/config.js';
import { ConfigError } from './infra/config/config-error.js';
import { settingsFromFiles } from './infra/config/settings-files.js';
import { StoreOwnershipError } from './infra/store/store-errors.js';
import { createPinoLogger } from './infra/log/impl/pino.js';

/** The command's name: never `decnet`, which is DECNET's own command on the same host. */
const PROGRAM = 'decnet-orchestrator';

/** The version in package.json (src/ and dist/ both sit one level below it). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Builds the `decnet-orchestrator` program; exported so tests can run commands in-process. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command(PROGRAM)
    .description('synthetic life for DECNET honeypot networks')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  registerOrchestrateCommand(program, ctx);
  const emailgen = program.command('emailgen').description('persona-driven email into mail deckies');
  // `decnet-orchestrator emailgen` alone runs the worker (SPEC §6.7)
  registerEmailgenRunCommand(emailgen, ctx);
  registerEmailgenImportCommand(emailgen, ctx);
  const topology = program.command('topology').description('manage topologies');
  registerTopologyImportCommand(topology, ctx);
  registerDeckiesCommand(program, ctx);
  registerEventsCommand(program, ctx);
  registerRealismCommand(program, ctx);
  registerSwarmCommand(program, ctx);
  return program;
}

/**
 * Exit statuses: 0 done (a signal's graceful stop, `--ticks N` reached); 1 a runtime or start-up
 * failure; 2 a usage error (unknown command or option, a bad option value, invalid settings);
 * 3 `realism check` had nothing to judge; `emailgen import-personas` uses sysexits 65 (bad data),
 * 66 (unreadable input) and 73 (unwritable pool).
 */
const EXIT_USAGE = 2;

/** How long the process may linger after its command returned. */
const EXIT_GRACE_MS = 500;

/**
 * Seeds `env` from the settings files the daemon reads (settings-files.ts: the env file its units
 * name, then DECNET's INI; the real environment wins), so a command typed in a shell sees what the
 * unit sees. Returns the error to report if a command runs: `--help` and `--version` still work.
 */
function seedFromSettingsFiles(env: NodeJS.ProcessEnv): ConfigError | undefined {
  try {
    const found = settingsFromFiles(env);
    Object.assign(env, found.vars);
    for (const key of found.unknownIniKeys) process.stderr.write(`${PROGRAM}: warning: decnet.ini: unknown key ${key}, ignored\n`);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

/** Runs the program and maps errors to one clear line and an exit status. */
export async function main(argv: string[]): Promise<number> {
  // before anything reads the environment (commander's .env() options included)
  const settingsError = seedFromSettingsFiles(process.env);
  const logger = createPinoLogger();
  let config: ReturnType<typeof loadConfig> | undefined;
  const ctx: CliContext = {
    config: () => {
      config ??= loadConfig();
      return config;
    },
    logger,
    out: (line) => process.stdout.write(`${line}\n`),
  };
  try {
    const program = buildProgram(ctx);
    if (settingsError) {
      program.hook('preAction', () => {
        throw settingsError;
      });
    }
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // help and version end 0; any other commander error is a usage error, 2 as DECNET's Typer exits
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof CliError || err instanceof ConfigError || err instanceof StoreOwnershipError) {
      process.stderr.write(`${PROGRAM}: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : EXIT_USAGE;
    }
    process.stderr.write(`${PROGRAM}: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

// run only when executed (bin symlink included), not when imported by tests.
const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv);
  // the command is over: whatever still holds the event loop (a store write abandoned at stop,
  // waiting out another process's lock) must not hold the exit past the stop bound
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}
