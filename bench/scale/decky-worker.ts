import { createDocker } from '../../src/infra/docker/docker.factory.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import type { EngineExecLog } from '../peers/fake-engine.js';
import { newTap, startDaemon, tapPort } from '../lib/daemon.js';
import { collectGarbage, heapMb, rssMb, sleep, startMeter } from '../lib/measure.js';
import { LagProbe, type LagFigures } from './lag-probe.js';

/** A daemon at a realistic rate over N deckies on the fake engine. */
export interface DeckyWorkerOptions {
  socketPath: string;
  dbPath: string;
  /** deckies the engine runs; start-up ends when this many decky actors exist */
  deckies: number;
  intervalMs: number;
  ratePerDeckyPerHour: number;
  /** measured window after the first tick */
  seconds: number;
  /** above this many deckies the graceful stop is skipped (the worker process just ends) */
  stopLimit?: number;
}

/** What the daemon did at scale. */
export interface DeckyWorkerResult {
  deckies: number;
  /** start → every decky actor spawned (discovery, reconcile, union read, spawn) */
  startupMs: number;
  actions: number;
  actionsPerS: number;
  failed: number;
  cpuMsPerAction: number;
  /** CPU share of one core over the window */
  cpuPercent: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
  /** RSS growth over the run per actor; noisy below a thousand actors (RSS rarely shrinks) */
  rssPerActorKb: number;
  /** heap + external growth per actor, after a full GC before and after */
  heapPerActorKb: number;
  lag: LagFigures;
  /** graceful stop (drain, flush, every actor stopped); NaN when skipped past `stopLimit` */
  stopMs: number;
}

/** Runs the orchestrator runtime over the fake engine at `opts.ratePerDeckyPerHour`. */
export async function runDeckyWorker(opts: DeckyWorkerOptions, engineLog: () => Promise<EngineExecLog[]>): Promise<DeckyWorkerResult> {
  const store = await openStore({ dbPath: opts.dbPath });
  const docker = createDocker({ dockerHost: `unix://${opts.socketPath}` });
  const probe = new LagProbe();
  const tap = newTap();
  tap.onCall = (req) => probe.onExec(req.container);
  collectGarbage();
  const rssBefore = rssMb();
  const heapBefore = heapMb();
  const t0 = performance.now();
  const handle = startDaemon({
    store,
    inventory: probe.inventory(store.inventory),
    docker: tapPort(docker, tap),
    discover: true,
    clock: probe.clock,
    settings: { intervalMs: opts.intervalMs, ratePerDeckyPerHour: opts.ratePerDeckyPerHour, resyncMs: 600_000, heartbeatMs: 30_000 },
  });
  let stopped = false;
  try {
    const spawned = () => Object.keys(handle.actor.getSnapshot().children).filter((k) => k.startsWith('decky:')).length;
    while (spawned() < opts.deckies) {
      if (performance.now() - t0 > 180_000) throw new Error(`only ${spawned()} of ${opts.deckies} decky actors after 180 s`);
      await sleep(5);
    }
    const startupMs = performance.now() - t0;
    // the first tick comes one jittered interval after the first inventory read
    while (tap.firstAt === null && performance.now() - t0 < startupMs + 5 * opts.intervalMs) await sleep(10);
    probe.measuring = true;
    const meter = startMeter();
    const finished0 = tap.finished;
    const failed0 = tap.failed;
    await sleep(opts.seconds * 1000);
    probe.measuring = false;
    const m = meter.read();
    const actions = tap.finished - finished0;
    collectGarbage();
    const rssAfter = rssMb();
    const heapGrowth = heapMb() - heapBefore;
    const heapAfter = process.memoryUsage().heapUsed / 2 ** 20;
    const lag = probe.figures(await engineLog());
    let stopMs = Number.NaN;
    if (opts.deckies <= (opts.stopLimit ?? 20_000)) {
      const s0 = performance.now();
      await handle.stop('bench');
      stopMs = performance.now() - s0;
      stopped = true;
    }
    return {
      deckies: opts.deckies,
      startupMs,
      actions,
      actionsPerS: (actions * 1000) / m.wallMs,
      failed: tap.failed - failed0,
      cpuMsPerAction: m.cpuMs / Math.max(actions, 1),
      cpuPercent: (100 * m.cpuMs) / m.wallMs,
      rssBeforeMb: rssBefore,
      rssAfterMb: rssAfter,
      heapAfterMb: heapAfter,
      rssPerActorKb: ((rssAfter - rssBefore) * 1024) / opts.deckies,
      heapPerActorKb: (heapGrowth * 1024) / opts.deckies,
      lag,
      stopMs,
    };
  } finally {
    // past stopLimit the process ends without a graceful stop
    if (stopped || opts.deckies <= (opts.stopLimit ?? 20_000)) {
      if (!stopped) await handle.stop('bench');
      docker.close?.();
      await store.close();
    }
  }
}
