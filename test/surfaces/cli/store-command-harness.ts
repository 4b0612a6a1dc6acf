import { Command } from 'commander';
import type { CliContext } from '../../../src/surfaces/cli/cli-context.js';
import { registerDeckiesCommand } from '../../../src/surfaces/cli/deckies.command.js';
import { registerEventsCommand } from '../../../src/surfaces/cli/events.command.js';
import { registerTopologyImportCommand, type StoreCommandDeps } from '../../../src/surfaces/cli/topology-import.command.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';

/** Runs the store commands in-process against `dbPath`, the way cli.ts wires them. */
export async function runStoreCommand(dbPath: string, args: string[], deps: StoreCommandDeps = {}): Promise<{ lines: string[] }> {
  const lines: string[] = [];
  const ctx: CliContext = { config: () => loadConfig({ DECNET_DB: dbPath }), logger: silentLogger, out: (l) => lines.push(l) };
  const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerTopologyImportCommand(program.command('topology'), ctx, deps);
  registerDeckiesCommand(program, ctx, deps);
  registerEventsCommand(program, ctx, deps);
  await program.parseAsync(['node', 'decnet', ...args]);
  return { lines };
}
