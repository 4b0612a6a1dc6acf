import type { Command } from 'commander';
import type { Config } from '../infra/config/config.js';
import { createLocalDocker } from '../infra/docker/docker.factory.js';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { Logger } from '../infra/log/logger.port.js';
import { PersonaPool } from '../infra/personas/pool.js';
import type { Persona } from '../infra/personas/persona.schema.js';
import { type DeckyBackfill, backfillAll } from '../infra/realism/backfill.js';
import { runChecks } from '../infra/realism/checks/index.js';
import type { CheckResult } from '../infra/realism/corpus.js';
import { inspectDeckies } from '../infra/realism/inspect-deckies.js';
import { loadCorpus } from '../infra/realism/load-corpus.js';
import { personaResolver, personasInScope } from '../infra/realism/personas-in-scope.js';
import { type StoreOpener, withStore } from '../infra/store/store.factory.js';
import { hostTimeZone } from '../machines/email/active-hours.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { formatTable, safeJson } from './text-output.js';

/** Injectable parts of `decnet realism`; defaults are the real ones. */
export interface RealismCommandDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  /** the host-wide persona pool (default: the SPEC §6.2 pool file) */
  pool?: { load(): Promise<Persona[]> };
  now?: () => Date;
  hostZone?: string;
}

/**
 * Registers `realism check [--json] [--inspect-deckies]` (every §7 tell with a figure and a
 * threshold; exit 1 when any fails) and `realism backfill [--days N] [--seed S]` (weeks of
 * believable past for running deckies that have none).
 */
export function registerRealismCommand(program: Command, ctx: CliContext, deps: RealismCommandDeps = {}): Command {
  const realism = program.command('realism').description('find the tells of synthetic activity; give new deckies a past');
  realism
    .command('check')
    .description('report each realism tell with a figure and a threshold; exit 1 when any fails')
    .option('--json', 'print the report as JSON')
    .option('--inspect-deckies', "also read the deckies' files and spools through docker exec")
    .action(async (opts: { json?: boolean; inspectDeckies?: boolean }) => runCheck(opts, ctx, deps));
  realism
    .command('backfill')
    .description('plan and write weeks of past files for running deckies without any (recorded as backfilled)')
    .option('--days <n>', 'days of past to create, 1..365', '21')
    .option('--seed <n>', 'seed for a reproducible past (default: random)')
    .action(async (opts: { days: string; seed?: string }) => runBackfill(opts, ctx, deps));
  return realism;
}

async function runCheck(opts: { json?: boolean; inspectDeckies?: boolean }, ctx: CliContext, deps: RealismCommandDeps): Promise<void> {
  const config = ctx.config();
  const hostZone = deps.hostZone ?? hostTimeZone();
  const pool = deps.pool ?? new PersonaPool({ logger: ctx.logger });
  const { report, notes } = await withStore(
    { dbPath: config.dbPath, logger: ctx.logger },
    async (store) => {
      const running = await store.inventory.listRunningDeckies();
      const resolve = personaResolver({ pool, topologies: store.inventory, logger: ctx.logger });
      const personas = await personasInScope(running, resolve, pool);
      let corpus = await loadCorpus(store, personas, { spoolRoot: config.spoolRoot, hostZone });
      let notes: string[] = [];
      if (opts.inspectDeckies) {
        const docker = (deps.createDocker ?? createLocalDocker)(config, ctx.logger);
        try {
          const local = (d: (typeof running)[number]) => {
            if (d.source === 'shard' && d.hostUuid !== docker.hostId) throw new Error(`no engine for host ${d.hostUuid ?? '?'}`);
            return docker;
          };
          ({ corpus, notes } = await inspectDeckies(corpus, running, { dockerFor: local, limits: { timeoutMs: config.execTimeoutMs } }));
        } finally {
          docker.close?.();
        }
      }
      return { report: runChecks(corpus), notes };
    },
    deps.openStore,
  );
  const failed = report.checks.filter((c) => !c.pass);
  if (opts.json) ctx.out(safeJson({ ...report, notes }));
  else {
    for (const line of formatTable(['CHECK', 'RESULT', 'FIGURE', 'THRESHOLD', 'DETAIL'], report.checks.map(cells))) ctx.out(line);
    for (const n of notes) ctx.out(`note: ${n}`);
    ctx.out(failed.length ? `${failed.length} of ${report.checks.length} checks failed` : `all ${report.checks.length} checks passed`);
  }
  if (failed.length) throw new CliError(`realism check failed: ${failed.map((c) => c.name).join(', ')}`, 1);
}

function cells(c: CheckResult): string[] {
  const result = c.skipped ? 'skip' : c.pass ? 'pass' : 'FAIL';
  const detail = c.detail.length > 160 ? `${c.detail.slice(0, 157)}...` : c.detail;
  return [c.name, result, String(c.figure), `${c.comparison} ${c.threshold}`, detail];
}

async function runBackfill(raw: { days: string; seed?: string }, ctx: CliContext, deps: RealismCommandDeps): Promise<void> {
  const days = /^\d{1,3}$/.test(raw.days) ? Number(raw.days) : Number.NaN;
  if (!(days >= 1 && days <= 365)) throw new CliError(`--days must be an integer from 1 to 365 (got "${raw.days}")`, 2);
  const seed = raw.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(raw.seed);
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new CliError(`--seed must be an integer from 0 to 4294967295 (got "${raw.seed}")`, 2);
  const config = ctx.config();
  const pool = deps.pool ?? new PersonaPool({ logger: ctx.logger });
  const results = await withStore(
    { dbPath: config.dbPath, logger: ctx.logger },
    async (store) => {
      const docker = (deps.createDocker ?? createLocalDocker)(config, ctx.logger);
      try {
        const running = await store.inventory.listRunningDeckies();
        return await backfillAll(
          running,
          {
            dockerFor: (d) => {
              if (d.source === 'shard' && d.hostUuid !== docker.hostId) throw new Error(`no engine for host ${d.hostUuid ?? '?'}`);
              return docker;
            },
            files: store.files,
            events: store.events,
            personasFor: personaResolver({ pool, topologies: store.inventory, logger: ctx.logger }),
            hostZone: deps.hostZone ?? hostTimeZone(),
            limits: { timeoutMs: config.execTimeoutMs },
            logger: ctx.logger,
          },
          { days, seed, now: (deps.now ?? (() => new Date()))() },
        );
      } finally {
        docker.close?.();
      }
    },
    deps.openStore,
  );
  for (const line of formatTable(['DECKY', 'FILES', 'WRITES', 'RESULT'], results.map(backfillCells))) ctx.out(line);
  ctx.out(`backfilled ${results.filter((r) => !r.skipped).length} of ${results.length} deckies over ${days} days (seed ${seed}); emails are not backfilled`);
  const failed = results.filter((r) => r.failed.length > 0);
  if (failed.length) throw new CliError(`backfill incomplete on ${failed.map((r) => r.name).join(', ')}`, 1);
}

function backfillCells(r: DeckyBackfill): string[] {
  const result = r.skipped ? `skipped: ${r.skipped}` : r.failed.length ? `${r.failed.length} failed, first: ${r.failed[0]!.path}: ${r.failed[0]!.stderr}` : 'ok';
  return [r.name, String(r.files), String(r.writes), result];
}
