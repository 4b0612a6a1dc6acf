import type { Command } from 'commander';
import type { RunningDecky } from '../../domain/decky.js';
import { withStore } from '../../infra/store/store.factory.js';
import type { CliContext } from './cli-context.js';
import { formatTable, safeJson } from './text-output.js';
import type { StoreCommandDeps } from './topology-import.command.js';

/**
 * Registers `deckies [--json]`: the running union view (SPEC §1.1) as a table
 * (uuid, name, ip, services, source) or, with --json, one JSON array on one line.
 */
export function registerDeckiesCommand(program: Command, ctx: CliContext, deps: StoreCommandDeps = {}): Command {
  return program
    .command('deckies')
    .description('list running deckies of every source (topology, fleet, shard)')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const deckies = await withStore(
        { dbPath: ctx.config().dbPath, logger: ctx.logger },
        (store) => store.inventory.listRunningDeckies(),
        deps.openStore,
      );
      if (opts.json) {
        ctx.out(safeJson(deckies));
        return;
      }
      if (deckies.length === 0) {
        ctx.out('no running deckies');
        return;
      }
      for (const line of formatTable(['UUID', 'NAME', 'IP', 'SERVICES', 'SOURCE'], deckies.map(deckyCells))) ctx.out(line);
    });
}

function deckyCells(d: RunningDecky): string[] {
  // unknown services are shown as such: they make a decky ineligible, the operator should see why.
  return [d.uuid, d.name, d.ip ?? '-', d.services === null ? '(unknown)' : d.services.join(',') || '-', d.source];
}
