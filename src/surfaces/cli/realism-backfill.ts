import type { Command } from 'commander';
import type { Config } from '../../infra/config/config.js';
import { createLocalDocker } from '../../infra/docker/docker.factory.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { LLMBackend } from '../../infra/llm/base.js';
import { getLlm } from '../../infra/llm/factory.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { Persona } from '../../domain/persona.js';
import { PersonaPool } from '../../infra/personas/pool.js';
import { type DeckyBackfill, backfillAll } from '../../actors/realism/backfill.js';
import { DEFAULT_MAX_BACKFILL_EMAILS } from '../../machines/realism/email-backfill-plan.js';
import { type MailBackfill, backfillEmails } from '../../actors/realism/email-backfill.js';
import { personaResolver } from '../../actors/realism/personas-in-scope.js';
import type { BackfillKind } from '../../infra/store/backfill-log.port.js';
import type { RunningDecky } from '../../domain/decky.js';
import { type StoreOpener, withStore } from '../../infra/store/store.factory.js';
import type { Store } from '../../infra/store/store.port.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import { isMailDecky } from '../../machines/email/mail-decky.js';
import { parseDays } from './backfill-flags.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { formatTable } from './text-output.js';

/** Injectable parts of `decnet-orchestrator realism backfill`; defaults are the real ones. */
export interface RealismBackfillDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  pool?: { load(): Promise<Persona[]> };
  now?: () => Date;
  hostZone?: string;
  /** the LLM for `--emails` (default: getLlm from the environment) */
  createLlm?: () => LLMBackend;
}

interface RawBackfill {
  days: string;
  seed?: string;
  emails?: boolean;
  maxEmails: string;
}

/** Registers `backfill [--days N] [--seed S] [--emails] [--max-emails N]` under `realism`. */
export function registerRealismBackfill(realism: Command, ctx: CliContext, deps: RealismBackfillDeps = {}): Command {
  return realism
    .command('backfill')
    .description(
      'plan and write weeks of past files (and with --emails, past email) for running deckies without any (recorded as backfilled)',
    )
    .option('--days <n>', 'days of past to create, 1..365', '21')
    .option('--seed <n>', 'seed for a reproducible past (default: random)')
    .option('--emails', 'also give mail deckies without email weeks of past threads, written by the LLM (DECNET_REALISM_LLM)')
    .option('--max-emails <n>', 'emails at most per mail decky, 1..1000', String(DEFAULT_MAX_BACKFILL_EMAILS))
    .action(async (opts: RawBackfill) => runBackfill(opts, ctx, deps));
}

async function runBackfill(raw: RawBackfill, ctx: CliContext, deps: RealismBackfillDeps): Promise<void> {
  const days = parseDays(raw.days, '--days');
  const seed = raw.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(raw.seed);
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new CliError(`--seed must be an integer from 0 to 4294967295 (got "${raw.seed}")`, 2);
  const maxEmails = /^\d{1,4}$/.test(raw.maxEmails) ? Number(raw.maxEmails) : Number.NaN;
  if (!(maxEmails >= 1 && maxEmails <= 1000))
    throw new CliError(`--max-emails must be an integer from 1 to 1000 (got "${raw.maxEmails}")`, 2);
  // a wrong DECNET_REALISM_LLM (or DECNET_EMAILGEN_LLM) is refused before anything is written
  const llm = raw.emails ? (deps.createLlm ?? (() => getLlm(process.env)))() : null;
  const config = ctx.config();
  const pool = deps.pool ?? new PersonaPool({ logger: ctx.logger });
  const hostZone = deps.hostZone ?? hostTimeZone();
  const now = (deps.now ?? (() => new Date()))();
  const { files, mail } = await withStore(
    { dbPath: config.dbPath, logger: ctx.logger },
    async (store) => {
      const docker = (deps.createDocker ?? createLocalDocker)(config, ctx.logger);
      const dockerFor = (d: RunningDecky) => {
        if (d.source === 'shard' && d.hostUuid !== docker.hostId) throw new Error(`no engine for host ${d.hostUuid ?? '?'}`);
        return docker;
      };
      try {
        const running = await store.inventory.listRunningDeckies();
        const personasFor = personaResolver({ pool, topologies: store.inventory, logger: ctx.logger });
        const limits = { timeoutMs: config.execTimeoutMs };
        const files = await backfillAll(
          running,
          { dockerFor, files: store.files, events: store.events, personasFor, hostZone, limits, logger: ctx.logger },
          { days, seed, now },
        );
        for (const r of files)
          await mark(
            store,
            'files',
            r.decky,
            r.skipped === 'already has synthetic files' ? 'skipped' : r.skipped ? null : 'done',
            r.files,
            r.failed.length,
            r.skipped,
          );
        const mail: MailBackfill[] = [];
        for (const decky of llm ? running.filter(isMailDecky) : []) {
          const deps = { dockerFor, emails: store.emails, llm: llm!, spoolRoot: config.spoolRoot, hostZone, limits, logger: ctx.logger };
          const r = await backfillEmails(decky, await personasFor(decky), deps, { days, seed, now, maxEmails }).catch(
            (err: unknown): MailBackfill => ({
              decky: decky.uuid,
              name: decky.name,
              skipped: `failed: ${(err as Error).message}`,
              retry: true,
              delivered: 0,
              replies: 0,
              failed: 0,
            }),
          );
          const status =
            r.skipped === 'already has emails' ? 'skipped' : r.skipped || r.gaveUp || (r.delivered === 0 && r.failed > 0) ? null : 'done';
          await mark(store, 'emails', r.decky, status, r.delivered, r.failed, r.skipped);
          mail.push(r);
        }
        return { files, mail };
      } finally {
        docker.close?.();
      }
    },
    deps.openStore,
  );
  for (const line of formatTable(['DECKY', 'FILES', 'WRITES', 'RESULT'], files.map(fileCells))) ctx.out(line);
  if (llm) for (const line of formatTable(['MAIL DECKY', 'EMAILS', 'REPLIES', 'FAILED', 'RESULT'], mail.map(mailCells))) ctx.out(line);
  const emails = llm
    ? `${mail.filter((r) => !r.skipped).length} of ${mail.length} mail deckies given ${mail.reduce((a, r) => a + r.delivered, 0)} emails`
    : 'emails are not backfilled';
  ctx.out(`backfilled ${files.filter((r) => !r.skipped).length} of ${files.length} deckies over ${days} days (seed ${seed}); ${emails}`);
  const failed = [...files.filter((r) => r.failed.length > 0), ...mail.filter((r) => r.failed > 0 || r.gaveUp)];
  if (failed.length) throw new CliError(`backfill incomplete on ${failed.map((r) => r.name).join(', ')}`, 1);
}

// the automatic backfill reads these rows: a decky given its past here is never given another
async function mark(
  store: Store,
  kind: BackfillKind,
  decky: string,
  status: 'done' | 'skipped' | null,
  items: number,
  failures: number,
  detail?: string,
): Promise<void> {
  if (status === null) return;
  await store.backfills.recordBackfill({ deckyUuid: decky, kind, status, at: new Date(), items, failures, detail: detail ?? null });
}

function fileCells(r: DeckyBackfill): string[] {
  const result = r.skipped
    ? `skipped: ${r.skipped}`
    : r.failed.length
      ? `${r.failed.length} failed, first: ${r.failed[0]!.path}: ${r.failed[0]!.stderr}`
      : 'ok';
  return [r.name, String(r.files), String(r.writes), result];
}

function mailCells(r: MailBackfill): string[] {
  const result = r.skipped
    ? `skipped: ${r.skipped}`
    : r.gaveUp
      ? 'stopped: the LLM failed repeatedly'
      : r.failed
        ? `${r.failed} failed`
        : 'ok';
  return [r.name, String(r.delivered), String(r.replies), String(r.failed), result];
}
