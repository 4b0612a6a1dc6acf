import { randomInt } from 'node:crypto';
import { type Actor, type ActorOptions, type AnyActorLogic, createActor, type InspectionEvent, type Observer, toPromise } from 'xstate';
import type { BusPort } from '../infra/bus/bus.port.js';
import { healthTopic } from '../infra/bus/topics.js';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { EventStorePort } from '../infra/store/event-store.port.js';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import type { RunningDecky } from '../domain/decky.js';
import type { SyntheticFilesPort } from '../infra/store/synthetic-files.port.js';
import { deckyDriver } from './drivers/decky-driver.actor.js';
import { supervisorMachine } from '../machines/supervisor/supervisor.machine.js';
import type { DeckyTuning, SupervisorOutput } from '../machines/supervisor/supervisor.types.js';
import { createDiscoveryLogic } from './discovery.actor.js';
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
import { createStaticDiscoveryLogic } from './static-discovery.actor.js';
import { subscribeControl } from './control-topic.js';
import { errText } from '../domain/err-text.js';

/** The timer source xstate schedules delays on. */
export type TimerClock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** The worker name in heartbeat and control topics (SPEC §5). */
export const WORKER = 'orchestrator';

/** Scheduling and bounds of one orchestrator run; only `intervalMs` is required. */
export interface OrchestratorSettings {
  /** mean tick interval (SPEC §2: 60 s) */
  intervalMs: number;
  /** stop after N ticks (`--ticks`) */
  ticks?: number;
  /** discovery's periodic resync (default 30 s) */
  resyncMs?: number;
  /** actions per eligible decky per hour; unset → one action per tick */
  ratePerDeckyPerHour?: number;
  /** density mode (issue 7): actions per eligible decky per working day, shaped by `timeZone`'s clock */
  actionsPerDeckyPerDay?: number;
  /** IANA zone of the deckies' working day (default UTC) */
  timeZone?: string;
  /** rows kept per destination at each prune (default 10,000) */
  eventsKeepPerDecky?: number;
  /** prune cadence in ticks (default 100) */
  pruneEveryTicks?: number;
  /** heartbeat period (default 30 s) */
  heartbeatMs?: number;
  /** bound on waiting for in-flight actions at stop (default 10 s) */
  drainTimeoutMs?: number;
  /** bound on the final store flush (default 5 s) */
  flushTimeoutMs?: number;
  /** per-exec bounds handed to the drivers */
  execTimeoutMs?: number;
  execMaxOutputBytes?: number;
  decky?: Partial<DeckyTuning>;
  writer?: Pick<EventWriterOptions, 'flushMs' | 'maxBatch' | 'maxBuffer' | 'retryBaseMs' | 'retryMaxMs'>;
}

/** Everything the orchestrator touches, injected once here at the root. */
export interface OrchestratorDeps {
  settings: OrchestratorSettings;
  inventory: InventoryPort;
  events: EventStorePort;
  bus: BusPort;
  logger: Logger;
  /** the local engine: discovery runs on it, and every non-shard decky acts on it */
  docker: DockerPort;
  /** the engine a decky acts on; default: local for topology/fleet, an error for shards */
  dockerFor?: (decky: RunningDecky) => DockerPort;
  /** swarm hosts (issue 6): one host actor each, and every decky acts on its own host's engine */
  hosts?: OrchestratorHostsDeps;
  /** the bus's counters, carried by every heartbeat */
  busStats?: () => Record<string, unknown>;
  /** false → no Docker discovery; the inventory is taken as it is (default true) */
  discover?: boolean;
  /** timestamps of rows and heartbeats */
  now?: () => Date;
  /** seeds the policy's random source */
  seed?: number;
  /** xstate timer source for delays; tests pass a SimulatedClock */
  clock?: TimerClock;
  /** xstate inspection hook (e.g. @statelyai/inspect) */
  inspect?: Observer<InspectionEvent> | ((e: InspectionEvent) => void);
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

/** The engine a decky acts on when no host registry is given: local, never the wrong host. */
export function localOnly(docker: DockerPort): (decky: RunningDecky) => DockerPort {
  return (decky) => {
    if (decky.source === 'shard' && decky.hostUuid !== docker.hostId) {
      throw new Error(`no Docker engine configured for host ${decky.hostUuid ?? '?'} (shard decky ${decky.uuid})`);
    }
    return docker;
  };
}

/** Starts the supervisor with every named actor and action provided from `deps`. */
export function startOrchestrator(deps: OrchestratorDeps): OrchestratorHandle {
  const s = deps.settings;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: WORKER });
  const writer = createEventWriter({ events: deps.events, bus: deps.bus, logger: deps.logger, ...s.writer });
  // file actions read and record synthetic_files through memory: a locked store must not slow them
  const fileBook = deps.files ? createFileBook(deps.files, { logger: deps.logger.child({ component: 'synthetic-files' }) }) : undefined;
  const hosts = deps.hosts ? wireHosts({ local: deps.docker, inventory: deps.inventory, logger: deps.logger, now, hosts: deps.hosts }) : undefined;
  const dockerFor = deps.dockerFor ?? hosts?.dockerFor ?? localOnly(deps.docker);
  const backfill = deps.backfill?.(dockerFor);
  // a file action on a decky being backfilled waits for it, then reads the decky's files afresh
  const backfillOf = (uuid: string) => backfill?.runningFor(uuid)?.then(() => fileBook?.forget(uuid));
  const limits = {
    ...(s.execTimeoutMs === undefined ? {} : { timeoutMs: s.execTimeoutMs }),
    ...(s.execMaxOutputBytes === undefined ? {} : { maxOutputBytes: s.execMaxOutputBytes }),
  };
  const discovery: AnyActorLogic =
    deps.discover === false
      ? createStaticDiscoveryLogic()
      : (hosts?.discovery ?? createDiscoveryLogic({ docker: deps.docker, inventory: deps.inventory, logger: deps.logger, remote: false }));

  const machine = supervisorMachine.provide({
    actors: {
      // one driver for every decky's actions, not a promise actor per action
      deckyDriver: deckyDriver({
        sendTraffic: createSendTrafficCall({ dockerFor, limits, now }),
        plantFile: createPlantFileCall({ dockerFor, limits, now, ...(fileBook ? { live: { ...deps.liveFiles, files: fileBook, backfillOf } } : {}) }),
      }),
      // with discovery on, every sync is read: a tick may reuse a read up to a resync period old
      listRunning: createListRunningLogic({ inventory: feedRunning(hosts?.inventory ?? deps.inventory, backfill), now, tickMaxAgeMs: deps.discover === false ? 0 : (s.resyncMs ?? 30_000) }),
      pruneEvents: createPruneEventsLogic({ events: deps.events, keep: s.eventsKeepPerDecky ?? 10_000 }),
      discovery,
      eventWriter: createEventWriterLogic({ writer, now }),
    },
    actions: {
      log: (_, p) => log[p.level](p.fields ?? {}, p.msg),
      publishHeartbeat: (_, p) =>
        deps.bus.publish(healthTopic(WORKER), 'worker.health', {
          worker: WORKER,
          ts: now().toISOString(),
          ...p,
          writer: writer.stats(),
          ...(deps.busStats ? { bus: deps.busStats() } : {}),
        }),
    },
    delays: {
      ...(s.heartbeatMs === undefined ? {} : { heartbeatInterval: s.heartbeatMs }),
      ...(s.drainTimeoutMs === undefined ? {} : { drainTimeout: s.drainTimeoutMs }),
    },
  });

  const actor = createActor(machine, {
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
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.inspect ? { inspect: deps.inspect } : {}),
  });

  const stopBy = (reason: string) => {
    backfill?.abandon();
    if (actor.getSnapshot().status === 'active') actor.send({ type: 'SUPERVISOR.STOP', reason });
  };
  const unsubscribe = subscribeControl(deps.bus, WORKER, log, stopBy);

  const finish = async () => {
    unsubscribe();
    await backfill?.settle();
    const [, unwritten] = await Promise.all([writer.close(s.flushTimeoutMs), fileBook?.flush(s.flushTimeoutMs ?? 5_000) ?? 0]);
    if (unwritten > 0) log.warn({ unwritten }, 'synthetic_files writes not recorded at stop (the store did not answer)');
    hosts?.close();
  };
  const done = toPromise(actor).then(
    async (output) => {
      await finish();
      log.info({ ...output, ...writer.stats() }, 'orchestrator stopped');
      return output;
    },
    async (err: unknown) => {
      log.error({ err: errText(err) }, 'supervisor failed');
      await finish();
      throw err;
    },
  );

  actor.start();
  log.info({ intervalMs: s.intervalMs, ticks: s.ticks ?? null }, 'orchestrator started');
  return {
    actor,
    writer,
    done,
    async stop(reason = 'signal') {
      stopBy(reason);
      await done.catch(() => undefined);
    },
  };
}
