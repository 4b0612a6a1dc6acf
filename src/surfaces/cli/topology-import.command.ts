import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type StoreOpener, withStore } from '../../infra/store/store.factory.js';
import { parseTopologyFile, TopologyFileError, type TopologyFile } from '../../infra/store/topology-file.schema.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';

/** Injectable parts of the store commands; defaults are the real ones. */
export interface StoreCommandDeps {
  openStore?: StoreOpener;
}

/**
 * Registers `import FILE` under the `topology` command: reads, parses and validates the whole
 * file before the database is even opened, then upserts in one transaction. Any bad input is a
 * CliError (exit 1) naming the file and the field; nothing is written.
 */
export function registerTopologyImportCommand(topology: Command, ctx: CliContext, deps: StoreCommandDeps = {}): Command {
  return topology
    .command('import')
    .description('upsert a topology and its deckies from a JSON file (validated, all or nothing)')
    .argument('<file>', 'topology JSON file')
    .action(async (file: string) => {
      const parsed = await loadTopologyFile(file);
      const result = await withStore(
        { dbPath: ctx.config().dbPath, logger: ctx.logger },
        (store) => store.inventory.importTopology(parsed),
        deps.openStore,
      );
      ctx.out(`imported topology ${result.name} (${result.id}) with ${result.deckies} deckies`);
    });
}

/** Reads and validates a topology file; every failure is one CliError line naming the file. */
async function loadTopologyFile(file: string): Promise<TopologyFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: invalid JSON: ${(err as Error).message}`, 1);
  }
  try {
    return parseTopologyFile(json);
  } catch (err) {
    if (err instanceof TopologyFileError) throw new CliError(`${file}: ${err.message}`, 1);
    throw err;
  }
}
