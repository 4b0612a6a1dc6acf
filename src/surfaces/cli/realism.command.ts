import type { Command } from 'commander';
import type { Config } from '../../infra/config/config.js';
import { createLocalDocker } from '../../infra/docker/docker.factory.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { PersonaPool } from '../../infra/personas/pool.js';
import type { Persona } from '../../domain/persona.js';
import { summaryLine } from '../../checks/index.js';
import type { CheckResult } from '../../checks/corpus.js';
import { buildRealismReport } from '../../actors/realism/realism-report.js';
import { type StoreOpener, withStore } from '../../infra/store/store.factory.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import type { CliContext } from './cli-context.js';
import { type RealismBackfillDeps, registerRealismBackfill } from './realism-backfill.js';
import { CliError } from './cli-error.js';
import { formatTable, safeJson } from './text-output.js';

/** Injectable parts of `decnet-orchestrator realism`; defaults are the real ones. */
interface RealismCommandDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  /** the host-wide persona pool (default: the SPEC §6.2 pool file) */
  pool?: { load(): Promise<Persona[]> };
  now?: () => Date;
  hostZone?: string;
  /** the LLM of `backfill --emails` (default: getLlm from the environment) */
  createLlm?: RealismBackfillDeps['createLlm'];
}

/**
 * Registers `realism check [--json] [--inspect-deckies]` (every §7 tell with a figure and a
 * threshold; exit 1 when any fails, 3 when the store held nothing to judge) and
 * `realism backfill [--days N] [--seed S] [--emails] [--max-emails N]` (weeks of believable past
 * for running deckies that have none, `realism-backfill.ts`).
 */
export function registerRealismCommand(program: Command, ctx: CliContext, deps: RealismCommandDeps = {}): Command {
  const realism = program.command('realism').description('find the tells of synthetic activity; give new deckies a past');
  realism
    .command('check')
    .description('report each realism tell with a figure and a threshold; exit 1 when any fails, 3 when there is nothing to judge')
    .option('--json', 'print the report as JSON')
    .option('--inspect-deckies', "also read the deckies' files and spools through docker exec")
    .action(async (opts: { json?: boolean; inspectDeckies?: boolean }) => runCheck(opts, ctx, deps));
  registerRealismBackfill(realism, ctx, deps);
  return realism;
}

/** Exit status of `realism check` when the store held nothing to judge (1 is a failed check, 2 a usage error). */
const NOTHING_CHECKED_EXIT = 3;

async function runCheck(opts: { json?: boolean; inspectDeckies?: boolean }, ctx: CliContext, deps: RealismCommandDeps): Promise<void> {
  const config = ctx.config();
  const pool = deps.pool ?? new PersonaPool({ logger: ctx.logger });
  const report = await withStore(
    { dbPath: config.dbPath, logger: ctx.logger },
    async (store) => {
      const reportDeps = {
        store,
        pool,
        logger: ctx.logger,
        spoolRoot: config.spoolRoot,
        hostZone: deps.hostZone ?? hostTimeZone(),
        execTimeoutMs: config.execTimeoutMs,
      };
      if (!opts.inspectDeckies) return buildRealismReport(reportDeps);
      const docker = (deps.createDocker ?? createLocalDocker)(config, ctx.logger);
      try {
        return await buildRealismReport(reportDeps, docker);
      } finally {
        docker.close?.();
      }
    },
    deps.openStore,
  );
  if (opts.json) ctx.out(safeJson(report));
  else {
    for (const line of formatTable(['CHECK', 'RESULT', 'FIGURE', 'THRESHOLD', 'DETAIL'], report.checks.map(cells))) ctx.out(line);
    for (const n of report.notes) ctx.out(`note: ${n}`);
    ctx.out(summaryLine(report));
  }
  if (report.verdict === 'fail')
    throw new CliError(
      `realism check failed: ${report.checks
        .filter((c) => !c.pass)
        .map((c) => c.name)
        .join(', ')}`,
      1,
    );
  if (report.verdict === 'nothing-checked')
    throw new CliError('realism check judged nothing: the store holds no activity yet', NOTHING_CHECKED_EXIT);
}

function cells(c: CheckResult): string[] {
  const result = c.skipped ? 'skip' : c.pass ? 'pass' : 'FAIL';
  const detail = c.detail.length > 160 ? `${c.detail.slice(0, 157)}...` : c.detail;
  return [c.name, result, String(c.figure), `${c.comparison} ${c.threshold}`, detail];
}
