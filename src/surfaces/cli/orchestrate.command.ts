import { type Command, Option } from 'commander';
import { type OrchestratorDeps, type OrchestratorHandle, startOrchestrator } from '../../actors/orchestrator.runtime.js';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Config } from '../../infra/config/config.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { SwarmHost } from '../../infra/store/swarm-hosts.port.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import { createSwarmDocker } from '../../infra/swarm/swarm-docker.factory.js';
import { type BackfillFlags, backfillOptions, orchestratorBackfill, parseBackfillFlags, type RawBackfillFlags } from './backfill-flags.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { FILES_LLM_CHOICES, type FilesLlmChoice, liveFilesFor, parseFilesLlm } from './live-files.js';
import { OPERATOR_OPTIONS, type OperatorFlags } from './operator-surface.js';
import { hostWorker, operatorFlags, parseIntervalMs, parsePositive, parseTicks, type WorkerHostDeps } from './worker-host.js';

/** Highest `--actions-per-day`: past it a decky would act every few seconds all day. */
export const MAX_ACTIONS_PER_DAY = 10_000;

/** Parsed `orchestrate` options. */
interface OrchestrateOptions extends OperatorFlags, BackfillFlags {
  intervalMs: number;
  ticks?: number;
  ratePerDeckyPerHour?: number;
  /** density mode (`--actions-per-day`): actions per eligible decky per working day, in the host's zone */
  actionsPerDeckyPerDay?: number;
  /** LLM for new notes, todos and drafts (`--files-llm`, `--llm`/`--no-llm`); unset → the environment (parseFilesLlm) */
  filesLlm?: FilesLlmChoice;
}

/** Where the command's process-level pieces come from; tests replace them. */
export interface OrchestrateDeps extends WorkerHostDeps {
  /** hook to see the running orchestrator (tests) */
  onStart?: (handle: OrchestratorHandle) => void;
  /** builds a swarm host's engine port (default: its endpoint and TLS files) */
  connectSwarmHost?: (host: SwarmHost, config: Config, logger: Logger) => DockerPort;
  /** extra runtime settings (tests shrink drain and heartbeat bounds) */
  runtime?: Partial<Pick<OrchestratorDeps, 'discover' | 'seed'>> & {
    settings?: Partial<OrchestratorDeps['settings']>;
    hosts?: Pick<NonNullable<OrchestratorDeps['hosts']>, 'timing' | 'discovery'>;
  };
}

/** The option strings commander hands over. */
interface RawOrchestrateOptions extends RawBackfillFlags {
  interval: string;
  ticks?: string;
  rate?: string;
  actionsPerDay?: string;
  http?: string;
  inspect?: string | boolean;
  filesLlm?: string;
  llm?: boolean;
}

/**
 * Registers `orchestrate [-i/--interval S] [--ticks N] [--rate R] [--llm/--no-llm]`: runs the orchestrator until a
 * signal or a `{action:"stop"}` control message (graceful: drain, flush, exit 0) or, with
 * --ticks, until N ticks passed. Bad options are a CliError with exit status 2.
 */
export function registerOrchestrateCommand(program: Command, ctx: CliContext, deps: OrchestrateDeps = {}): Command {
  return program
    .command('orchestrate')
    .description('run the orchestrator: synthetic SSH traffic and files between running deckies')
    .option('-i, --interval <seconds>', 'mean seconds between ticks (jittered)', '60')
    .option('--ticks <n>', 'stop after N ticks and exit 0')
    .option('--rate <n>', 'actions per eligible decky per hour (default: one action per tick)')
    .addOption(
      new Option(
        '--actions-per-day <n>',
        `actions per eligible decky per working day, shaped by the host's working hours (1..${MAX_ACTIONS_PER_DAY})`,
      ).env('DECNET_ACTIONS_PER_DAY'),
    )
    .option(...OPERATOR_OPTIONS[0])
    .option(...OPERATOR_OPTIONS[1])
    .addOption(backfillOptions()[0])
    .addOption(backfillOptions()[1])
    .option(
      '--files-llm <provider>',
      `LLM for new notes, todos and drafts: ${FILES_LLM_CHOICES.join(', ')} (default: DECNET_FILES_LLM, else DECNET_REALISM_LLM as DECNET reads it, else off)`,
    )
    .option(
      '--llm',
      "DECNET's flag: LLM bodies for new files on, = --files-llm with DECNET_FILES_LLM's or DECNET_REALISM_LLM's provider, else ollama",
    )
    .option('--no-llm', "DECNET's flag: template bodies only, = --files-llm off")
    .action(async (raw: RawOrchestrateOptions) => {
      await runOrchestrate(parseOrchestrateOptions(raw), ctx, deps);
    });
}

/** Validates the raw option strings; throws CliError (exit 2) naming the bad option. */
export function parseOrchestrateOptions(raw: RawOrchestrateOptions): OrchestrateOptions {
  const out: OrchestrateOptions = { intervalMs: parseIntervalMs(raw.interval), ...operatorFlags(raw), ...parseBackfillFlags(raw) };
  if (raw.ticks !== undefined) out.ticks = parseTicks(raw.ticks);
  if (raw.rate !== undefined) out.ratePerDeckyPerHour = parsePositive(raw.rate, '--rate');
  if (raw.actionsPerDay !== undefined) {
    if (raw.rate !== undefined) throw new CliError('--actions-per-day and --rate are two ways to set the pace: give one', 2);
    const n = parsePositive(raw.actionsPerDay, '--actions-per-day');
    if (n > MAX_ACTIONS_PER_DAY)
      throw new CliError(`--actions-per-day must be at most ${MAX_ACTIONS_PER_DAY} (got "${raw.actionsPerDay}")`, 2);
    out.actionsPerDeckyPerDay = n;
  }
  if (raw.filesLlm !== undefined || raw.llm !== undefined) out.filesLlm = parseFilesLlm(raw.filesLlm, process.env, raw.llm);
  return out;
}

/** Runs the orchestrator with the real store, engine and bus until it stops. */
export async function runOrchestrate(opts: OrchestrateOptions, ctx: CliContext, deps: OrchestrateDeps = {}): Promise<void> {
  await hostWorker(
    'orchestrator',
    opts,
    ctx,
    deps,
    ({ config, logger, store, docker, bus, inspect }) =>
      startOrchestrator({
        settings: {
          intervalMs: opts.intervalMs,
          ...(opts.ticks === undefined ? {} : { ticks: opts.ticks }),
          ...(opts.ratePerDeckyPerHour === undefined ? {} : { ratePerDeckyPerHour: opts.ratePerDeckyPerHour }),
          ...(opts.actionsPerDeckyPerDay === undefined
            ? {}
            : { actionsPerDeckyPerDay: opts.actionsPerDeckyPerDay, timeZone: hostTimeZone() }),
          resyncMs: config.resyncMs,
          eventsKeepPerDecky: config.eventsKeepPerDecky,
          execTimeoutMs: config.execTimeoutMs,
          execMaxOutputBytes: config.execMaxOutputBytes,
          ...deps.runtime?.settings,
        },
        inventory: store.inventory,
        // on DECNET's database its rows are read and the engine says which deckies are live (issue 11)
        owner: store.owner,
        events: store.events,
        bus,
        logger,
        docker,
        ...busStatsOf(bus),
        // one host actor per swarm_hosts row (none → the single-host daemon); each decky acts on its own engine
        hosts: {
          swarm: store.swarm,
          connect: (host) => (deps.connectSwarmHost ?? connectSwarmHost)(host, config, logger),
          localSharesNetwork: config.localSharesNetwork,
          ...deps.runtime?.hosts,
        },
        ...(inspect ? { inspect } : {}),
        // a past for deckies seen for the first time, unless --no-backfill (issue 7)
        ...orchestratorBackfill(opts, { config, logger, store, ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }) }),
        // files people would write (issue 7): edits of the decky's recorded files, optional LLM bodies
        ...liveFilesFor(store, logger, opts.filesLlm ?? parseFilesLlm(undefined)),
        ...(deps.runtime?.discover === undefined ? {} : { discover: deps.runtime.discover }),
        ...(deps.runtime?.seed === undefined ? {} : { seed: deps.runtime.seed }),
      }),
    deps.onStart,
  );
}

function connectSwarmHost(host: SwarmHost, config: Config, logger: Logger): DockerPort {
  return createSwarmDocker(host, {
    execTimeoutMs: config.execTimeoutMs,
    execMaxOutputBytes: config.execMaxOutputBytes,
    ...(config.dockerScope ? { scope: config.dockerScope } : {}),
    logger,
  });
}

// the factory's bus counts publishes and failures; heartbeats carry them (an injected test bus may not)
function busStatsOf(bus: BusPort): { busStats?: () => Record<string, unknown> } {
  const stats = (bus as Partial<{ stats(): object }>).stats;
  return typeof stats === 'function' ? { busStats: () => ({ ...stats.call(bus) }) } : {};
}
