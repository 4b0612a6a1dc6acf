import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { BusConfigError, createBus } from '../../infra/bus/bus.factory.js';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Config } from '../../infra/config/config.js';
import { createLocalDocker } from '../../infra/docker/docker.factory.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { openStore, type StoreOpener } from '../../infra/store/store.factory.js';
import type { Store } from '../../infra/store/store.port.js';
import type { CliContext } from './cli-context.js';
import { busOptionsOf } from './bus-options.js';
import { CliError } from './cli-error.js';
import { type OperatorFlags, startHttpIfAsked, startInspectorIfAsked } from './operator-surface.js';
import { startWorkerRelays } from './worker-relays.js';
import { errText } from '../../domain/err-text.js';
import { aliasesInUse } from '../../infra/config/env-aliases.js';

/** Where a worker's process-level pieces come from; tests replace them. */
export interface WorkerHostDeps {
  openStore?: StoreOpener;
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  createBus?: (logger: Logger, config: Config) => BusPort;
  /** signal source (default: process) */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** the environment the seed-alias notice looks at (default: process.env) */
  env?: NodeJS.ProcessEnv;
}

/** What a worker's runtime is started with. */
interface WorkerParts {
  config: Config;
  logger: Logger;
  store: Store;
  docker: DockerPort;
  bus: BusPort;
  inspect?: Observer<InspectionEvent>;
}

/** The shape both runtimes return. */
interface WorkerHandle {
  actor: AnyActorRef;
  done: Promise<unknown>;
  stop(reason?: string): Promise<void>;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs one worker process: opens the store, the engine and the bus, serves the operator
 * surfaces asked for, starts the runtime, and stops it gracefully on SIGTERM/SIGINT (drain,
 * flush, return normally → exit 0). Everything opened is closed again, whatever happens.
 */
export async function hostWorker<H extends WorkerHandle>(
  worker: 'orchestrator' | 'emailgen',
  flags: OperatorFlags,
  ctx: CliContext,
  deps: WorkerHostDeps,
  start: (parts: WorkerParts) => H,
  onStart?: (handle: H) => void,
): Promise<void> {
  const config = ctx.config();
  const logger = ctx.logger;
  for (const { alias, name } of aliasesInUse(deps.env ?? process.env)) {
    logger.info({ alias, name }, `${alias} is the seed's name of DECNET 1.2's ${name}; read as its alias (set ${name} to silence this)`);
  }
  const store = await (deps.openStore ?? openStore)({ dbPath: config.dbPath, logger });
  const docker = (deps.createDocker ?? createLocalDocker)(config, logger);
  const signals = deps.signals ?? process;
  const closers: Array<() => Promise<void> | void> = [];
  let handle: H | undefined;
  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received; stopping gracefully');
    stopRequested = true;
    void handle?.stop('signal');
  };
  for (const s of STOP_SIGNALS) signals.on(s, onSignal);
  try {
    // an ssh:// engine says why (refused host key, refused login); others only whether
    const probe = docker.diagnose ? await docker.diagnose() : { ok: await docker.ping(), reason: undefined };
    if (!probe.ok)
      logger.warn(
        { host: docker.hostId, ...(probe.reason ? { reason: probe.reason } : {}) },
        'Docker engine does not answer; discovery will keep retrying',
      );
    // in-process by default; NATS (DECNET_BUS, issue 6) or DECNET's own socket bus (DECNET_BUS_TYPE=unix, issue 12)
    const bus = openBus(deps, worker, logger, config);
    closers.push(() => closeBus(bus, logger));
    closers.push(startWorkerRelays({ worker, config, store, bus, logger }).stop);
    const inspector = await startInspectorIfAsked(flags, logger);
    closers.push(inspector.close);
    // before the runtime, so the API's health tracker sees the first heartbeat
    const http = await startHttpIfAsked(flags, { config, store, bus, logger, root: () => handle?.actor });
    closers.push(http.close);
    handle = start({ config, logger, store, docker, bus, ...(inspector.inspect ? { inspect: inspector.inspect } : {}) });
    onStart?.(handle);
    // a signal that came while the engine was being pinged still counts
    if (stopRequested) void handle.stop('signal');
    await handle.done.catch((err: unknown) => {
      throw new CliError(`${worker} failed: ${errText(err)}`, 1);
    });
  } finally {
    for (const s of STOP_SIGNALS) signals.off(s, onSignal);
    for (const close of closers.reverse()) await close();
    docker.close?.();
    await closeStoreWithin(store.close(), STORE_CLOSE_MS, logger);
  }
}

// an unsafe or ambiguous bus setting is the operator's to fix: one line naming the variable, exit 2
function openBus(deps: WorkerHostDeps, worker: string, logger: Logger, config: Config): BusPort {
  try {
    return (
      deps.createBus ??
      ((l: Logger, c: Config) => createBus({ ...busOptionsOf(c), logger: l, name: `decnet-${worker}`, clientName: worker }))
    )(logger, config);
  } catch (err) {
    if (err instanceof BusConfigError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** How long a stop waits for the store connection to close after the final flush. */
const STORE_CLOSE_MS = 1_000;

/**
 * Waits for the store to close, at most `ms`: a write still waiting out another process's lock
 * (busy_timeout and its retries) would otherwise hold the stop past its bound. The flush already
 * named the rows it could not write; the process exits without that write.
 */
export async function closeStoreWithin(closing: Promise<void>, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  const outcome = await Promise.race([closing.then(() => 'closed' as const), late]).catch((err: unknown) => {
    logger.warn({ err: errText(err) }, 'store close failed');
    return 'failed' as const;
  });
  clearTimeout(timer);
  if (outcome === 'late') logger.warn({ waitedMs: ms }, 'store did not close in time (a write is waiting on a lock); exiting without it');
}

// the factory's bus has counters and a close (NATS drains what is buffered); a test bus may have neither
async function closeBus(bus: BusPort, logger: Logger): Promise<void> {
  const b = bus as Partial<{ close(): Promise<void>; stats(): object }>;
  if (typeof b.close !== 'function') return;
  if (typeof b.stats === 'function') logger.info({ bus: b.stats() }, 'bus closing');
  await b.close().catch((err: unknown) => logger.warn({ err: errText(err) }, 'bus close failed'));
}

/** A positive finite number option (CliError, exit 2, naming the option otherwise). */
export function parsePositive(raw: string, option: string): number {
  const text = raw.trim();
  const n = /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isFinite(n) && n > 0)) throw new CliError(`${option} must be a positive number (got "${raw}")`, 2);
  return n;
}

/** `--interval`: a positive number of seconds → milliseconds. */
export function parseIntervalMs(raw: string): number {
  return Math.max(1, Math.round(parsePositive(raw, '--interval') * 1000));
}

/** `--ticks`: a positive integer (CliError, exit 2, otherwise). */
export function parseTicks(raw: string): number {
  const n = /^[0-9]{1,9}$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!(n >= 1)) throw new CliError(`--ticks must be a positive integer (got "${raw}")`, 2);
  return n;
}

/** The operator flags of a raw commander option bag, absent when not given. */
export function operatorFlags(raw: OperatorFlags): OperatorFlags {
  return {
    ...(raw.http === undefined ? {} : { http: raw.http }),
    ...(raw.inspect === undefined ? {} : { inspect: raw.inspect }),
  };
}
