import type { Command } from 'commander';
import { type EmailgenDeps, type EmailgenHandle, startEmailgen } from '../actors/email/emailgen.runtime.js';
import type { LLMBackend } from '../infra/llm/base.js';
import { getLlm } from '../infra/llm/factory.js';
import { PersonaPool, type PoolLocation } from '../infra/personas/pool.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { OPERATOR_OPTIONS, type OperatorFlags } from './operator-surface.js';
import { hostWorker, operatorFlags, parseIntervalMs, parseTicks, type WorkerHostDeps } from './worker-host.js';

/** Parsed `emailgen run` options. */
export interface EmailgenRunOptions extends OperatorFlags {
  intervalMs: number;
  ticks?: number;
  model?: string;
}

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
 * Registers `run [--interval S] [--ticks N] [--model M]` under `emailgen`, as its default
 * subcommand (`decnet emailgen` = `decnet emailgen run`, SPEC §6.7). Runs until a signal or a
 * `{action:"stop"}` control message (drain, exit 0) or, with --ticks, N ticks and their emails.
 */
export function registerEmailgenRunCommand(emailgen: Command, ctx: CliContext, deps: EmailgenRunDeps = {}): Command {
  return emailgen
    .command('run', { isDefault: true })
    .description('run the email worker: personas write threaded emails into mail deckies')
    .option('--interval <seconds>', 'mean seconds between ticks (jittered)', '300')
    .option('--ticks <n>', 'stop after N ticks (and their emails) and exit 0')
    .option('--model <name>', 'LLM model (default: DECNET_EMAILGEN_MODEL or llama3.1)')
    .option(...OPERATOR_OPTIONS[0])
    .option(...OPERATOR_OPTIONS[1])
    .action(async (raw: RawEmailgenRunOptions) => {
      await runEmailgen(parseEmailgenRunOptions(raw), ctx, deps);
    });
}

/** Validates the raw option strings; throws CliError (exit 2) naming the bad option. */
export function parseEmailgenRunOptions(raw: RawEmailgenRunOptions): EmailgenRunOptions {
  const out: EmailgenRunOptions = { intervalMs: parseIntervalMs(raw.interval), ...operatorFlags(raw) };
  if (raw.ticks !== undefined) out.ticks = parseTicks(raw.ticks);
  if (raw.model !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(raw.model)) throw new CliError(`--model must be a model name such as llama3.1 (got "${raw.model}")`, 2);
    out.model = raw.model;
  }
  return out;
}

/** Runs the emailgen worker with the real store, engine, LLM and bus until it stops. */
export async function runEmailgen(opts: EmailgenRunOptions, ctx: CliContext, deps: EmailgenRunDeps = {}): Promise<void> {
  // a wrong DECNET_EMAILGEN_LLM is a configuration error: refused before anything is opened
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
          emailsKeepPerDecky: config.emailsKeepPerDecky,
          execTimeoutMs: config.execTimeoutMs,
          execMaxOutputBytes: config.execMaxOutputBytes,
          ...deps.runtime?.settings,
        },
        inventory: store.inventory,
        topologies: store.inventory,
        emails: store.emails,
        pool: new PersonaPool({ logger, ...deps.pool }),
        llm,
        bus,
        logger,
        docker,
        ...(inspect ? { inspect } : {}),
        ...(deps.runtime?.discover === undefined ? {} : { discover: deps.runtime.discover }),
        ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
      }),
    deps.onStart,
  );
}

/** The option strings commander hands over. */
export interface RawEmailgenRunOptions extends OperatorFlags {
  interval: string;
  ticks?: string;
  model?: string;
}
