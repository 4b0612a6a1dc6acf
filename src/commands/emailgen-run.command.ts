import type { Command } from 'commander';
import { type EmailgenDeps, type EmailgenHandle, startEmailgen } from '../actors/email/emailgen.runtime.js';
import type { BusPort } from '../infra/bus/bus.port.js';
import { createMemoryBus } from '../infra/bus/impl/memory.js';
import type { Config } from '../infra/config/config.js';
import { createDocker } from '../infra/docker/docker.factory.js';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { LLMBackend } from '../infra/llm/base.js';
import { getLlm } from '../infra/llm/factory.js';
import type { Logger } from '../infra/log/logger.port.js';
import { PersonaPool, type PoolLocation } from '../infra/personas/pool.js';
import { openStore, type StoreOpener } from '../infra/store/store.factory.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';

/** Parsed `emailgen run` options. */
export interface EmailgenRunOptions {
  intervalMs: number;
  ticks?: number;
  model?: string;
}

/** Where the command's process-level pieces come from; tests replace them. */
export interface EmailgenRunDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  createBus?: (logger: Logger) => BusPort;
  /** the LLM backend (default: getLlm from the environment, with `--model`) */
  createLlm?: (opts: EmailgenRunOptions) => LLMBackend;
  /** where the host persona pool is looked for (default: the environment and home) */
  pool?: PoolLocation;
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  onStart?: (handle: EmailgenHandle) => void;
  /** extra runtime settings (tests shrink bounds, pin seeds, turn discovery off) */
  runtime?: Partial<Pick<EmailgenDeps, 'discover' | 'seed'>> & { settings?: Partial<EmailgenDeps['settings']> };
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

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
    .action(async (raw: { interval: string; ticks?: string; model?: string }) => {
      await runEmailgen(parseEmailgenRunOptions(raw), ctx, deps);
    });
}

/** Validates the raw option strings; throws CliError (exit 2) naming the bad option. */
export function parseEmailgenRunOptions(raw: { interval: string; ticks?: string; model?: string }): EmailgenRunOptions {
  const text = raw.interval.trim();
  const interval = /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isFinite(interval) && interval > 0)) throw new CliError(`--interval must be a positive number (got "${raw.interval}")`, 2);
  const out: EmailgenRunOptions = { intervalMs: Math.max(1, Math.round(interval * 1000)) };
  if (raw.ticks !== undefined) {
    const n = /^[0-9]{1,9}$/.test(raw.ticks.trim()) ? Number(raw.ticks) : Number.NaN;
    if (!(n >= 1)) throw new CliError(`--ticks must be a positive integer (got "${raw.ticks}")`, 2);
    out.ticks = n;
  }
  if (raw.model !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(raw.model)) throw new CliError(`--model must be a model name such as llama3.1 (got "${raw.model}")`, 2);
    out.model = raw.model;
  }
  return out;
}

/** Runs the emailgen worker with the real store, engine, LLM and an in-process bus until it stops. */
export async function runEmailgen(opts: EmailgenRunOptions, ctx: CliContext, deps: EmailgenRunDeps = {}): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger;
  // a wrong DECNET_EMAILGEN_LLM is a configuration error: refused before anything is opened
  const llm = (deps.createLlm ?? ((o) => getLlm(process.env, o.model ? { model: o.model } : {})))(opts);
  const store = await (deps.openStore ?? openStore)({ dbPath: config.dbPath, logger });
  const docker = (deps.createDocker ?? defaultDocker)(config, logger);
  const signals = deps.signals ?? process;
  let handle: EmailgenHandle | undefined;
  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received; stopping gracefully');
    stopRequested = true;
    void handle?.stop('signal');
  };
  for (const s of STOP_SIGNALS) signals.on(s, onSignal);
  try {
    if (!(await docker.ping())) logger.warn({ host: docker.hostId }, 'Docker engine does not answer; discovery will keep retrying');
    handle = startEmailgen({
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
      bus: (deps.createBus ?? ((l: Logger) => createMemoryBus({ logger: l })))(logger),
      logger,
      docker,
      ...(deps.runtime?.discover === undefined ? {} : { discover: deps.runtime.discover }),
      ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
    });
    deps.onStart?.(handle);
    if (stopRequested) void handle.stop('signal');
    await handle.done.catch((err: unknown) => {
      throw new CliError(`emailgen failed: ${err instanceof Error ? err.message : String(err)}`, 1);
    });
  } finally {
    for (const s of STOP_SIGNALS) signals.off(s, onSignal);
    docker.close?.();
    await store.close();
  }
}

function defaultDocker(config: Config, logger: Logger): DockerPort {
  return createDocker({
    ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}),
    ...(config.dockerScope ? { scope: config.dockerScope } : {}),
    hostId: 'local',
    execTimeoutMs: config.execTimeoutMs,
    execMaxOutputBytes: config.execMaxOutputBytes,
    logger,
  });
}
