import type { Command } from 'commander';
import { type ImportFailure, PersonaImportError, importPersonas } from '../../infra/personas/import-personas.js';
import { type PoolLocation, resolvePoolPath } from '../../infra/personas/pool.js';
import { type CliContext, CliError } from './cli-context.js';

// sysexits(3): the input is missing (66), the data is wrong (65), the output cannot be created (73);
// a bad option is a usage error, 2 like every other command's
const EXIT: Readonly<Record<ImportFailure, number>> = {
  unreadable: 66,
  'invalid-json': 65,
  'not-a-list': 65,
  'no-valid-persona': 65,
  unwritable: 73,
};

/** Adds `import-personas FILE [-o DEST]` to the `emailgen` command (SPEC §6.2); `loc` is for tests. */
export function registerEmailgenImportCommand(emailgen: Command, ctx: CliContext, loc: PoolLocation = {}): Command {
  return emailgen
    .command('import-personas')
    .description('validate a persona list and install it as the host-wide pool for fleet and shard deckies')
    .argument('<file>', 'JSON list of personas')
    .option('-o, --output <dest>', 'where to write the normalised list (default: the resolved pool path)')
    .option('--language <code>', 'language of personas that set none', 'en')
    .action(async (file: string, opts: { output?: string; language: string }) => {
      if (!/^[A-Za-z0-9_-]{1,8}$/.test(opts.language)) {
        throw new CliError(`invalid --language ${JSON.stringify(opts.language)}: expected a code such as en or pt-BR`, 2);
      }
      const dest = opts.output ?? resolvePoolPath(loc);
      try {
        const result = await importPersonas(file, dest, { languageDefault: opts.language });
        for (const w of result.warnings) ctx.out(`warning: ${w}`);
        if (result.personas.length === 1) {
          ctx.out('warning: only one valid persona; emails need at least two personas active at the same time');
        }
        ctx.logger.info({ path: result.path, personas: result.personas.length, dropped: result.warnings.length }, 'personas imported');
        ctx.out(`imported ${result.personas.length} persona(s) into ${result.path}`);
      } catch (err) {
        if (err instanceof PersonaImportError) throw new CliError(err.message, EXIT[err.reason]);
        throw err;
      }
    });
}
