import type { Command } from 'commander';
import { EVENT_KINDS, type EventKind, type OrchestratorEvent } from '../../domain/event.js';
import { isEventKind } from '../../infra/store/store-errors.js';
import { withStore } from '../../infra/store/store.factory.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { formatTable, safeJson } from './text-output.js';
import type { StoreCommandDeps } from './topology-import.command.js';

const DEFAULT_LIMIT = 50;

/**
 * Registers `events [--kind K] [--limit N] [--json]`: newest events first, as a table or, with
 * --json, the SPEC §4.3 page `{total, limit, offset, data}` on one line. A bad --kind or
 * --limit is a CliError with exit status 2, raised before the database is opened.
 */
export function registerEventsCommand(program: Command, ctx: CliContext, deps: StoreCommandDeps = {}): Command {
  return program
    .command('events')
    .description('list recorded synthetic events, newest first')
    .option('--kind <kind>', `only this kind (${EVENT_KINDS.join(', ')})`)
    .option('--limit <n>', 'how many rows, 1..1000', String(DEFAULT_LIMIT))
    .option('--json', 'print the page as JSON instead of a table')
    .action(async (opts: { kind?: string; limit: string; json?: boolean }) => {
      const kind = parseKind(opts.kind);
      const limit = parseLimit(opts.limit);
      const page = await withStore(
        { dbPath: ctx.config().dbPath, logger: ctx.logger },
        (store) => store.events.listEvents({ limit, offset: 0, ...(kind ? { kind } : {}) }),
        deps.openStore,
      );
      if (opts.json) {
        ctx.out(safeJson(page));
        return;
      }
      if (page.data.length === 0) {
        ctx.out('no events');
        return;
      }
      for (const line of formatTable(['TS', 'KIND', 'RESULT', 'SRC', 'DST', 'ACTION', 'DETAIL'], page.data.map(eventCells))) {
        ctx.out(line);
      }
      ctx.out(`${page.data.length} of ${page.total} events`);
    });
}

function parseKind(raw: string | undefined): EventKind | undefined {
  if (raw === undefined) return undefined;
  if (!isEventKind(raw)) throw new CliError(`--kind must be one of ${EVENT_KINDS.join(', ')} (got "${raw}")`, 2);
  return raw;
}

function parseLimit(raw: string): number {
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= 1000)) throw new CliError(`--limit must be an integer from 1 to 1000 (got "${raw}")`, 2);
  return n;
}

function eventCells(e: OrchestratorEvent): string[] {
  return [e.ts.toISOString(), e.kind, e.success ? 'ok' : 'FAILED', e.srcDeckyUuid ?? '-', e.dstDeckyUuid, e.action, detail(e)];
}

// the one payload field that tells what happened; untrusted, so shortened (and made printable later).
function detail(e: OrchestratorEvent): string {
  const p = e.payload;
  const pick = e.success ? (p.banner ?? p.path) : (p.stderr ?? p.path ?? p.banner);
  const text = typeof pick === 'string' ? pick : pick === undefined ? '' : JSON.stringify(pick);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
