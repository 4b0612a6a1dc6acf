#!/usr/bin/env node
import { realpathSync } from 'node:fs';
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
import { ConfigError, loadConfig } from './infra/config/config.js';
import { StoreOwnershipError } from './infra/store/store-errors.js';
import { createPinoLogger } from './infra/log/impl/pino.js';

/** Builds the `decnet` program; exported so tests can run commands in-process. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('decnet')
    .description('synthetic life for DECNET honeypot networks')
    .showHelpAfterError()
    .exitOverride();
  registerOrchestrateCommand(program, ctx);
  const emailgen = program.command('emailgen').description('persona-driven email into mail deckies');
  // `decnet emailgen` alone runs the worker (SPEC §6.7)
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

/** How long the process may linger after its command returned. */
const EXIT_GRACE_MS = 500;

/** Runs the program and maps errors to one clear line and an exit status. */
export async function main(argv: string[]): Promise<number> {
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
    await buildProgram(ctx).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError || err instanceof ConfigError || err instanceof StoreOwnershipError) {
      process.stderr.write(`decnet: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 2;
    }
    process.stderr.write(`decnet: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
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
