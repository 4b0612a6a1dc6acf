import { startEmailgen } from '../../src/actors/email/emailgen.runtime.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import { getLlm } from '../../src/infra/llm/factory.js';
import { PersonaPool } from '../../src/infra/personas/pool.js';
import type { EmailStorePort } from '../../src/infra/store/email-store.port.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { daemonLogger, newTap, tapPort } from '../lib/daemon.js';
import { collectGarbage, heapMb, epochMs, percentile, rssMb, sleep, startMeter } from '../lib/measure.js';
import { LagProbe } from './lag-probe.js';

/** The emailgen worker with `mailDeckies` × pool-size persona actors on the fake engine. */
export interface PersonaWorkerOptions {
  socketPath: string;
  dbPath: string;
  /** pool file (DECNET_EMAILGEN_PERSONAS) */
  poolFile: string;
  ollamaUrl: string;
  mailDeckies: number;
  /** persona actors expected (mail deckies × pool size) */
  personas: number;
  /** each persona's mean gap between its own emails */
  meanGapMs: number;
  /** the emailgen supervisor's mean tick: each tick asks one idle persona to write */
  intervalMs: number;
  seconds: number;
  /** above this many personas the graceful stop is skipped (the worker process just ends); default 20,000 */
  stopLimit?: number;
}

/** What the emailgen worker did at scale. */
export interface PersonaWorkerResult {
  personas: number;
  mailDeckies: number;
  startupMs: number;
  emails: number;
  emailsPerS: number;
  failed: number;
  cpuMsPerEmail: number;
  cpuPercent: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** RSS growth over the run per actor; noisy below a thousand actors (RSS rarely shrinks) */
  rssPerActorKb: number;
  /** heap + external growth per actor, after a full GC before and after */
  heapPerActorKb: number;
  /** scheduled (a persona's own deadline, or the tick that asked it) → its first effect (the thread lookup), ms */
  lag: { n: number; p50: number; p99: number; max: number };
  /** graceful stop (drain, every actor stopped); NaN when skipped past `stopLimit` */
  stopMs: number;
  /** set when the worker did not finish */
  error?: string;
}

/** Runs the emailgen runtime (persona and mail decky actors) at `opts.meanGapMs` per persona. */
export async function runPersonaWorker(opts: PersonaWorkerOptions): Promise<PersonaWorkerResult> {
  const store = await openStore({ dbPath: opts.dbPath });
  const docker = createDocker({ dockerHost: `unix://${opts.socketPath}` });
  const logger = daemonLogger();
  const probe = new LagProbe();
  const tap = newTap();
  const lags: number[] = [];
  let measuring = false;
  // a composition starts with the thread lookup: inside the persona's own timer callback, or
  // after the tick's scope read (whose due time the wrapped inventory noted)
  const emails: EmailStorePort = {
    ...store.emails,
    findLatestBetween: (a, b, o) => {
      const due = probe.scheduledDue();
      if (measuring && due !== null) lags.push(epochMs() - due);
      return store.emails.findLatestBetween(a, b, o);
    },
  };
  collectGarbage();
  const rssBefore = rssMb();
  const heapBefore = heapMb();
  const t0 = performance.now();
  const handle = startEmailgen({
    settings: {
      intervalMs: opts.intervalMs,
      spoolRoot: '/var/spool/decnet-emails',
      resyncMs: 600_000,
      // as `decnet-orchestrator emailgen run` does: ticks reuse the scope read of the last discovery sync
      scopeReuseMs: 600_000,
      heartbeatMs: 30_000,
      persona: { meanGapMs: opts.meanGapMs },
    },
    inventory: probe.inventory(store.inventory),
    topologies: store.inventory,
    emails,
    pool: new PersonaPool({ logger, env: { DECNET_EMAILGEN_PERSONAS: opts.poolFile } }),
    llm: getLlm({ DECNET_EMAILGEN_LLM: 'ollama', OLLAMA_HOST: opts.ollamaUrl }),
    bus: createMemoryBus({ logger }),
    logger,
    docker: tapPort(docker, tap),
    discover: true,
    clock: probe.clock,
    seed: 7,
  });
  const stopLimit = opts.stopLimit ?? 20_000;
  let stopped = false;
  try {
    // persona actors live in groups, each in a system of its own (machines/emailgen/emailgen.group.ts);
    // a group spawns its share in the same synchronous run as the plan that lists them in
    // personaStatus, so between two polls the count of entries is the count of live actors
    const spawned = () => Object.keys(handle.actor.getSnapshot().context.personaStatus).length;
    while (spawned() < opts.personas) {
      if (performance.now() - t0 > 180_000) throw new Error(`only ${spawned()} of ${opts.personas} persona actors after 180 s`);
      await sleep(5);
    }
    const startupMs = performance.now() - t0;
    // as the decky worker: measured from the first tick on, not the one due while start-up ran
    while (handle.actor.getSnapshot().context.ticks === 0 && performance.now() - t0 < startupMs + 5 * opts.intervalMs) await sleep(10);
    measuring = true;
    const meter = startMeter();
    const finished0 = tap.finished;
    const failed0 = tap.failed;
    await sleep(opts.seconds * 1000);
    measuring = false;
    const m = meter.read();
    const sent = tap.finished - finished0;
    collectGarbage();
    const rssAfter = rssMb();
    const heapGrowth = heapMb() - heapBefore;
    let stopMs = Number.NaN;
    if (opts.personas <= stopLimit) {
      const s0 = performance.now();
      await handle.stop('bench');
      stopMs = performance.now() - s0;
      stopped = true;
    }
    return {
      personas: opts.personas,
      mailDeckies: opts.mailDeckies,
      startupMs,
      emails: sent,
      emailsPerS: (sent * 1000) / m.wallMs,
      failed: tap.failed - failed0,
      cpuMsPerEmail: m.cpuMs / Math.max(sent, 1),
      cpuPercent: (100 * m.cpuMs) / m.wallMs,
      rssBeforeMb: rssBefore,
      rssAfterMb: rssAfter,
      rssPerActorKb: ((rssAfter - rssBefore) * 1024) / (opts.personas + opts.mailDeckies),
      heapPerActorKb: (heapGrowth * 1024) / (opts.personas + opts.mailDeckies),
      lag: { n: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: percentile(lags, 100) },
      stopMs,
    };
  } finally {
    // past stopLimit the process ends without stopping every actor
    if (stopped || opts.personas <= stopLimit) {
      if (!stopped) await handle.stop('bench');
      docker.close?.();
      await store.close();
    }
  }
}
