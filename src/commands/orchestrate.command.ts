import type { Command } from 'commander';
import { type OrchestratorDeps, type OrchestratorHandle, startOrchestrator } from '../actors/orchestrator.runtime.js';
import type { BusPort } from '../infra/bus/bus.port.js';
import { createMemoryBus } from '../infra/bus/impl/memory.js';
import { createLocalDocker } from '../infra/docker/docker.factory.js';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { Config } from '../infra/config/config.js';
import type { Logger } from '../infra/log/logger.port.js';
import { openStore, type StoreOpener } from '../infra/store/store.factory.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { OPERATOR_OPTIONS, type OperatorFlags, startHttpIfAsked, startInspectorIfAsked } from './operator-surface.js';

/** Parsed `orchestrate` options. */
export interface OrchestrateOptions extends OperatorFlags {
  intervalMs: number;
  ticks?: number;
  ratePerDeckyPerHour?: number;
}

/** Where the command's process-level pieces come from; tests replace them. */
export interface OrchestrateDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  createBus?: (logger: Logger) => BusPort;
  /** signal source (default: process) */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** hook to see the running orchestrator (tests) */
  onStart?: (handle: OrchestratorHandle) => void;
  /** extra runtime settings (tests shrink drain and heartbeat bounds) */
  runtime?: Partial<Pick<OrchestratorDeps, 'discover' | 'seed'>> & { settings?: Partial<OrchestratorDeps['settings']> };
}

/** The option strings commander hands over. */
export interface RawOrchestrateOptions {
  interval: string;
  ticks?: string;
  rate?: string;
  http?: string;
  inspect?: string | boolean;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Registers `orchestrate [--interval S] [--ticks N] [--rate R]`: runs the orchestrator until a
 * signal or a `{action:"stop"}` control message (graceful: drain, flush, exit 0) or, with
 * --ticks, until N ticks passed. Bad options are a CliError with exit status 2.
 */
export function registerOrchestrateCommand(program: Command, ctx: CliContext, deps: OrchestrateDeps = {}): Command {
  return program
    .command('orchestrate')
    .description('run the orchestrator: synthetic SSH traffic and files between running deckies')
    .option('--interval <seconds>', 'mean seconds between ticks (jittered)', '60')
    .option('--ticks <n>', 'stop after N ticks and exit 0')
    .option('--rate <n>', 'actions per eligible decky per hour (default: one action per tick)')
    .option(...OPERATOR_OPTIONS[0])
    .option(...OPERATOR_OPTIONS[1])
    .action(async (raw: RawOrchestrateOptions) => {
      await runOrchestrate(parseOrchestrateOptions(raw), ctx, deps);
    });
}

/** Validates the raw option strings; throws CliError (exit 2) naming the bad option. */
export function parseOrchestrateOptions(raw: RawOrchestrateOptions): OrchestrateOptions {
  const interval = positiveNumber(raw.interval, '--interval');
  const out: OrchestrateOptions = {
    intervalMs: Math.max(1, Math.round(interval * 1000)),
    ...(raw.http === undefined ? {} : { http: raw.http }),
    ...(raw.inspect === undefined ? {} : { inspect: raw.inspect }),
  };
  if (raw.ticks !== undefined) {
    const n = /^[0-9]{1,9}$/.test(raw.ticks.trim()) ? Number(raw.ticks) : Number.NaN;
    if (!(n >= 1)) throw new CliError(`--ticks must be a positive integer (got "${raw.ticks}")`, 2);
    out.ticks = n;
  }
  if (raw.rate !== undefined) out.ratePerDeckyPerHour = positiveNumber(raw.rate, '--rate');
  return out;
}

/** Runs the orchestrator with the real store, engine and an in-process bus until it stops. */
export async function runOrchestrate(opts: OrchestrateOptions, ctx: CliContext, deps: OrchestrateDeps = {}): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger;
  const store = await (deps.openStore ?? openStore)({ dbPath: config.dbPath, logger });
  const docker = (deps.createDocker ?? createLocalDocker)(config, logger);
  const signals = deps.signals ?? process;
  let handle: OrchestratorHandle | undefined;
  let inspector: { close(): Promise<void> } | undefined;
  let http: { close(): Promise<void> } | undefined;
  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received; stopping gracefully');
    stopRequested = true;
    void handle?.stop('signal');
  };
  for (const s of STOP_SIGNALS) signals.on(s, onSignal);
  try {
    if (!(await docker.ping())) logger.warn({ host: docker.hostId }, 'Docker engine does not answer; discovery will keep retrying');
    const bus = (deps.createBus ?? ((l: Logger) => createMemoryBus({ logger: l })))(logger);
    const started = await startInspectorIfAsked(opts, logger);
    inspector = started;
    // before the runtime, so the API's health tracker sees the first heartbeat
    http = await startHttpIfAsked(opts, { config, store, bus, logger, root: () => handle?.actor });
    handle = startOrchestrator({
      settings: {
        intervalMs: opts.intervalMs,
        ...(opts.ticks === undefined ? {} : { ticks: opts.ticks }),
        ...(opts.ratePerDeckyPerHour === undefined ? {} : { ratePerDeckyPerHour: opts.ratePerDeckyPerHour }),
        resyncMs: config.resyncMs,
        eventsKeepPerDecky: config.eventsKeepPerDecky,
        execTimeoutMs: config.execTimeoutMs,
        execMaxOutputBytes: config.execMaxOutputBytes,
        ...deps.runtime?.settings,
      },
      inventory: store.inventory,
      events: store.events,
      bus,
      logger,
      docker,
      ...(started.inspect ? { inspect: started.inspect } : {}),
      ...(deps.runtime?.discover === undefined ? {} : { discover: deps.runtime.discover }),
      ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
    });
    deps.onStart?.(handle);
    // a signal that came while the engine was being pinged still counts
    if (stopRequested) void handle.stop('signal');
    await handle.done.catch((err: unknown) => {
      throw new CliError(`orchestrator failed: ${err instanceof Error ? err.message : String(err)}`, 1);
    });
  } finally {
    for (const s of STOP_SIGNALS) signals.off(s, onSignal);
    await http?.close();
    await inspector?.close();
    docker.close?.();
    await store.close();
  }
}


function positiveNumber(raw: string, name: string): number {
  const text = raw.trim();
  const n = /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isFinite(n) && n > 0)) throw new CliError(`${name} must be a positive number (got "${raw}")`, 2);
  return n;
}
