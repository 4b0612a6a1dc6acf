import { type Command, Option } from 'commander';
import { type EmailgenDeps, type EmailgenHandle, startEmailgen } from '../../actors/email/emailgen.runtime.js';
import type { LLMBackend } from '../../infra/llm/base.js';
import { getLlm } from '../../infra/llm/factory.js';
import { PersonaPool, type PoolLocation } from '../../infra/personas/pool.js';
import { type BackfillFlags, backfillOptions, emailgenBackfill, parseBackfillFlags, type RawBackfillFlags } from './backfill-flags.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { OPERATOR_OPTIONS, type OperatorFlags } from './operator-surface.js';
import { hostWorker, operatorFlags, parseIntervalMs, parsePositive, parseTicks, type WorkerHostDeps } from './worker-host.js';

/** Parsed `emailgen run` options. */
interface EmailgenRunOptions extends OperatorFlags, BackfillFlags {
  intervalMs: number;
  ticks?: number;
  model?: string;
  /** emails per persona per working day on the human schedule (issue 7); unset → `--interval` mode */
  emailsPerDay?: number;
}

/** Largest `--emails-per-day`: a persona at its desk cannot write more. */
export const MAX_EMAILS_PER_DAY = 500;

/** Where the command's process-level pieces come from; tests replace them. */
export interface EmailgenRunDeps extends WorkerHostDeps {
  /** the LLM backend (default: getLlm from the environment, with `--model`) */
  createLlm?: (opts: EmailgenRunOptions) => LLMBackend;
  /** where the host persona pool is looked for (default: the environment and home) */
  pool?: PoolLocation;
  onStart?: (handle: EmailgenHandle) => void;
  /** extra runtime settings (tests shrink bounds, pin seeds, turn discovery off) */
  runtime?: Partial<Pick<EmailgenDeps, 'discover' | 'seed'>> & { settings?: Partial<EmailgenDeps['settings']> };
}

/**
 * Registers `run [-i/--interval S] [--ticks N] [-m/--model M] [--emails-per-day N]` under `emailgen`, as
 * its default subcommand (`decnet-orchestrator emailgen` = `decnet-orchestrator emailgen run`, SPEC §6.7). With
 * `--emails-per-day` (or DECNET_EMAILGEN_EMAILS_PER_DAY) each persona writes on its own human
 * schedule and ticks only refresh the scope; without it each tick asks one persona (the original
 * mode). Runs until a signal or a `{action:"stop"}` control message (drain, exit 0) or, with
 * --ticks, N ticks and their emails.
 */
export function registerEmailgenRunCommand(emailgen: Command, ctx: CliContext, deps: EmailgenRunDeps = {}): Command {
  return emailgen
    .command('run', { isDefault: true })
    .description('run the email worker: personas write threaded emails into mail deckies')
    .option('-i, --interval <seconds>', 'mean seconds between ticks (jittered)', '300')
    .option('--ticks <n>', 'stop after N ticks (and their emails) and exit 0')
    .option('-m, --model <name>', 'LLM model (default: DECNET_REALISM_MODEL, else DECNET_EMAILGEN_MODEL, else llama3.1)')
    .addOption(
      new Option(
        '--emails-per-day <n>',
        'emails per persona per working day, on human hours in its zone (ticks then only refresh the scope)',
      ).env('DECNET_EMAILGEN_EMAILS_PER_DAY'),
    )
    .option(...OPERATOR_OPTIONS[0])
    .option(...OPERATOR_OPTIONS[1])
    .addOption(backfillOptions()[0])
    .addOption(backfillOptions()[1])
    .action(async (raw: RawEmailgenRunOptions) => {
      await runEmailgen(parseEmailgenRunOptions(raw), ctx, deps);
    });
}

/** Validates the raw option strings; throws CliError (exit 2) naming the bad option. */
export function parseEmailgenRunOptions(raw: RawEmailgenRunOptions): EmailgenRunOptions {
  const out: EmailgenRunOptions = { intervalMs: parseIntervalMs(raw.interval), ...operatorFlags(raw), ...parseBackfillFlags(raw) };
  if (raw.ticks !== undefined) out.ticks = parseTicks(raw.ticks);
  if (raw.model !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(raw.model))
      throw new CliError(`--model must be a model name such as llama3.1 (got "${raw.model}")`, 2);
    out.model = raw.model;
  }
  if (raw.emailsPerDay !== undefined) {
    const n = parsePositive(raw.emailsPerDay, '--emails-per-day');
    if (n > MAX_EMAILS_PER_DAY) throw new CliError(`--emails-per-day must be at most ${MAX_EMAILS_PER_DAY} (got "${raw.emailsPerDay}")`, 2);
    out.emailsPerDay = n;
  }
  return out;
}

/** Runs the emailgen worker with the real store, engine, LLM and bus until it stops. */
async function runEmailgen(opts: EmailgenRunOptions, ctx: CliContext, deps: EmailgenRunDeps = {}): Promise<void> {
  // a wrong DECNET_REALISM_LLM (or DECNET_EMAILGEN_LLM) is a configuration error: refused before anything is opened
  const llm = (deps.createLlm ?? ((o) => getLlm(process.env, o.model ? { model: o.model } : {})))(opts);
  await hostWorker(
    'emailgen',
    opts,
    ctx,
    deps,
    ({ config, logger, store, docker, bus, inspect }) =>
      startEmailgen({
        settings: {
          intervalMs: opts.intervalMs,
          ...(opts.ticks === undefined ? {} : { ticks: opts.ticks }),
          spoolRoot: config.spoolRoot,
          resyncMs: config.resyncMs,
          // each discovery sync reads the scope anew; ticks in between reuse it (a union-view read per tick is most of a tick at 10,000
          // personas)
          scopeReuseMs: config.resyncMs,
          emailsKeepPerDecky: config.emailsKeepPerDecky,
          execTimeoutMs: config.execTimeoutMs,
          execMaxOutputBytes: config.execMaxOutputBytes,
          ...deps.runtime?.settings,
          ...(opts.emailsPerDay === undefined ? {} : { persona: { ...deps.runtime?.settings?.persona, emailsPerDay: opts.emailsPerDay } }),
        },
        inventory: store.inventory,
        // on DECNET's database its rows are read and the engine says which mail deckies are live
        owner: store.owner,
        topologies: store.inventory,
        emails: store.emails,
        pool: new PersonaPool({ logger, ...deps.pool }),
        llm,
        bus,
        logger,
        docker,
        ...(inspect ? { inspect } : {}),
        // weeks of past email for mail deckies seen for the first time, unless --no-backfill (issue 7)
        ...emailgenBackfill(opts, {
          config,
          logger,
          store,
          pool: new PersonaPool({ logger, ...deps.pool }),
          ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
        }),
        ...(deps.runtime?.discover === undefined ? {} : { discover: deps.runtime.discover }),
        ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
      }),
    deps.onStart,
  );
}

/** The option strings commander hands over. */
interface RawEmailgenRunOptions extends OperatorFlags, RawBackfillFlags {
  interval: string;
  ticks?: string;
  model?: string;
  emailsPerDay?: string;
}
