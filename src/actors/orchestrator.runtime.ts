import { randomInt } from 'node:crypto';
import type { Actor } from 'xstate';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { EventStorePort } from '../infra/store/event-store.port.js';
import type { RunningDecky } from '../domain/decky.js';
import type { SyntheticFilesPort } from '../infra/store/synthetic-files.port.js';
import { deckyDriver } from './drivers/decky-driver.actor.js';
import { supervisorMachine } from '../machines/supervisor/supervisor.machine.js';
import type { DeckyTuning, SupervisorOutput } from '../machines/supervisor/supervisor.types.js';
import { type OrchestratorHostsDeps, wireHosts } from './hosts/runtime-hosts.js';
import { createEventWriter, type EventWriter, type EventWriterOptions } from './event-writer.js';
import { createEventWriterLogic } from './event-writer.actor.js';
import { createListRunningLogic } from './list-running.actor.js';
import { feedRunning, type RunningFeed } from './backfill-new-deckies.js';
import { createFileBook } from './files/file-book.js';
import type { LiveFilesDeps } from './files/live-write.js';
import { createPlantFileCall } from './plant-file.actor.js';
import { createPruneEventsLogic } from './prune-events.actor.js';
import { createSendTrafficCall } from './send-traffic.actor.js';
import { localOnly } from './worker/local-only.js';
import { startWorker } from './worker/start-worker.js';
import { workerBasics } from './worker/worker-basics.js';
import type { WorkerDeps, WorkerSettings } from './worker/worker-deps.js';
import { warmPublicHolidays } from '../machines/realism/public-holidays.js';

// bench imports the clock type from here
export type { TimerClock } from './worker/start-worker.js';

/** The worker name in heartbeat and control topics (SPEC §5). */
const WORKER = 'orchestrator';

/** Scheduling and bounds of one orchestrator run; only `intervalMs` is required. */
export interface OrchestratorSettings extends WorkerSettings {
  /** mean tick interval (SPEC §2: 60 s) */
  intervalMs: number;
  /** actions per eligible decky per hour; unset → one action per tick */
  ratePerDeckyPerHour?: number;
  /** density mode (issue 7): actions per eligible decky per working day, shaped by `timeZone`'s clock */
  actionsPerDeckyPerDay?: number;
  /** IANA zone of the deckies' working day (default UTC) */
  timeZone?: string;
  /** rows kept per destination at each prune (default 10,000) */
  eventsKeepPerDecky?: number;
  /** bound on the final store flush (default 5 s) */
  flushTimeoutMs?: number;
  decky?: Partial<DeckyTuning>;
  writer?: Pick<EventWriterOptions, 'flushMs' | 'maxBatch' | 'maxBuffer' | 'retryBaseMs' | 'retryMaxMs'>;
}

/** Everything the orchestrator touches, injected once here at the root. */
export interface OrchestratorDeps extends WorkerDeps<OrchestratorSettings> {
  events: EventStorePort;
  /** swarm hosts (issue 6): one host actor each, and every decky acts on its own host's engine */
  hosts?: OrchestratorHostsDeps;
  /** the bus's counters, carried by every heartbeat */
  busStats?: () => Record<string, unknown>;
  /** history for deckies seen for the first time, fed by every inventory read (issue 7) */
  backfill?: (dockerFor: (decky: RunningDecky) => DockerPort) => RunningFeed;
  /** `synthetic_files` (issue 7): with it, file actions edit the decky's recorded files over time */
  files?: SyntheticFilesPort;
  /** who writes those files and how (personas, zone, optional LLM bodies) */
  liveFiles?: Omit<LiveFilesDeps, 'files'>;
}

/** A running orchestrator. */
export interface OrchestratorHandle {
  actor: Actor<typeof supervisorMachine>;
  writer: EventWriter;
  /** resolves after the supervisor stopped and the writer flushed; rejects if the supervisor failed */
  done: Promise<SupervisorOutput>;
  /** graceful stop: no new actions, drain in-flight ones (bounded), flush the store */
  stop(reason?: string): Promise<void>;
}

/** Starts the supervisor with every named actor and action provided from `deps`. */
export function startOrchestrator(deps: OrchestratorDeps): OrchestratorHandle {
  const s = deps.settings;
  const { now, log, inventory, limits, discovery, logTo, publishHealth } = workerBasics(WORKER, deps);
  const writer = createEventWriter({ events: deps.events, bus: deps.bus, logger: deps.logger, ...s.writer });
  // file actions read and record synthetic_files through memory: a locked store must not slow them
  const fileBook = deps.files ? createFileBook(deps.files, { logger: deps.logger.child({ component: 'synthetic-files' }) }) : undefined;
  const hosts = deps.hosts ? wireHosts({ local: deps.docker, inventory, logger: deps.logger, now, hosts: deps.hosts }) : undefined;
  const dockerFor = deps.dockerFor ?? hosts?.dockerFor ?? localOnly(deps.docker);
  const backfill = deps.backfill?.(dockerFor);
  // a file action on a decky being backfilled waits for it, then reads the decky's files afresh
  const backfillOf = (uuid: string) => backfill?.runningFor(uuid)?.then(() => fileBook?.forget(uuid));

  const machine = supervisorMachine.provide({
    actors: {
      // one driver for every decky's actions, not a promise actor per action
      deckyDriver: deckyDriver({
        sendTraffic: createSendTrafficCall({ dockerFor, limits, now }),
        plantFile: createPlantFileCall({
          dockerFor,
          limits,
          now,
          ...(fileBook ? { live: { ...deps.liveFiles, files: fileBook, backfillOf } } : {}),
        }),
      }),
      // with discovery on, every sync is read: a tick may reuse a read up to a resync period old
      listRunning: createListRunningLogic({
        inventory: feedRunning(hosts?.inventory ?? inventory, backfill),
        now,
        tickMaxAgeMs: deps.discover === false ? 0 : (s.resyncMs ?? 30_000),
      }),
      pruneEvents: createPruneEventsLogic({ events: deps.events, keep: s.eventsKeepPerDecky ?? 10_000 }),
      discovery: discovery(hosts?.discovery),
      eventWriter: createEventWriterLogic({ writer, now }),
    },
    actions: {
      log: logTo,
      publishHeartbeat: (_, p) => publishHealth({ ...p, writer: writer.stats(), ...(deps.busStats ? { bus: deps.busStats() } : {}) }),
    },
    delays: {
      ...(s.heartbeatMs === undefined ? {} : { heartbeatInterval: s.heartbeatMs }),
      ...(s.drainTimeoutMs === undefined ? {} : { drainTimeout: s.drainTimeoutMs }),
    },
  });

  // density mode consults the zone's holidays on every tick: compile them before the first one
  if (s.actionsPerDeckyPerDay !== undefined) warmPublicHolidays([s.timeZone ?? 'UTC'], new Date());
  const run = startWorker({
    worker: WORKER,
    machine,
    input: {
      intervalMs: s.intervalMs,
      seed: deps.seed ?? randomInt(0, 2 ** 32),
      ...(s.ticks === undefined ? {} : { ticks: s.ticks }),
      ...(s.ratePerDeckyPerHour === undefined ? {} : { ratePerDeckyPerHour: s.ratePerDeckyPerHour }),
      ...(s.actionsPerDeckyPerDay === undefined ? {} : { actionsPerDeckyPerDay: s.actionsPerDeckyPerDay, timeZone: s.timeZone ?? 'UTC' }),
      ...(s.pruneEveryTicks === undefined ? {} : { pruneEveryTicks: s.pruneEveryTicks }),
      ...(s.resyncMs === undefined ? {} : { resyncMs: s.resyncMs }),
      ...(s.decky ? { decky: s.decky } : {}),
    },
    stopEvent: (reason) => ({ type: 'SUPERVISOR.STOP' as const, reason }),
    bus: deps.bus,
    log,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.inspect ? { inspect: deps.inspect } : {}),
    onStop: () => backfill?.abandon(),
    finish: async () => {
      await backfill?.settle();
      const [, unwritten] = await Promise.all([writer.close(s.flushTimeoutMs), fileBook?.flush(s.flushTimeoutMs ?? 5_000) ?? 0]);
      if (unwritten > 0) log.warn({ unwritten }, 'synthetic_files writes not recorded at stop (the store did not answer)');
      hosts?.close();
    },
    started: { intervalMs: s.intervalMs, ticks: s.ticks ?? null },
    stopped: () => writer.stats(),
  });
  return { ...run, writer };
}
