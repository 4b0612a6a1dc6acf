import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FleetLabel } from '../../src/domain/decnet-layout.js';
import type { EngineContainer } from '../peers/fake-engine.js';
import { startPeer } from '../peers/peer.js';
import { atLeast, atMost, figure, type Figure, type ScenarioResult } from '../lib/report.js';
import type { CapacityResult } from '../scale/capacity-worker.js';
import type { DeckyWorkerResult } from '../scale/decky-worker.js';
import type { PersonaWorkerResult } from '../scale/persona-worker.js';
import { runWorker } from '../scale/spawn-worker.js';

/** Sizes and rates of the scale scenario. */
export interface ScaleOptions {
  /** decky counts; as many persona actors run beside each */
  sizes: number[];
  /** measured window per size */
  seconds: number;
  dir: string;
  /** per decky (SPEC §2 rate mode) */
  ratePerDeckyPerHour: number;
  /** mean tick interval */
  intervalMs: number;
  /** each persona's mean gap between its own emails */
  personaMeanGapMs: number;
  /** the emailgen worker's mean tick (one email asked per tick) */
  emailIntervalMs: number;
  /** personas in the host pool; mail deckies = size / poolSize */
  poolSize: number;
  /** deckies of the saturated capacity run (also its concurrency) */
  capacityDeckies: number;
  capacitySeconds: number;
  /** a worker still not done after this long is killed and reported as such */
  workerTimeoutMs: number;
}

/** One size of the growth table. */
export interface GrowthRow {
  size: number;
  deckies: DeckyWorkerResult;
  personas: PersonaWorkerResult;
}

/** The reply the zero-latency LLM gives to every prompt. */
export const LLM_REPLY =
  'Subject: Backup window moved to Thursday\n\nHi,\n\nthe storage team needs Wednesday night, so the backup window moves to Thursday 22:00.\nPlease keep your jobs out of it.\n\nThanks\n';

/** Persona `i` of the bench pool: always active, UTC, plain ASCII. */
export function benchPersona(i: number) {
  return {
    name: `Person ${i}`,
    email: `person${i}@corp.example.com`,
    role: 'Engineer',
    tone: 'direct',
    active_hours: '00:00-00:00',
    timezone: 'UTC',
    reply_latency: 'normal',
  };
}

/**
 * The fake engine's containers for `n` deckies laid out as DECNET's: a label-less base `<decky>`
 * holding the ip, `-ssh` each sharing its network, `-imap` too for the first n/poolSize.
 */
export function benchContainers(tag: string, n: number, mailDeckies: number): EngineContainer[] {
  const out: EngineContainer[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${tag}-d${i}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;
    const services = i < mailDeckies ? ['ssh', 'imap'] : ['ssh'];
    out.push({ name, labels: {}, ip });
    for (const service of services) {
      out.push({
        name: `${name}-${service}`,
        labels: { [FleetLabel.SERVICE]: 'true', [FleetLabel.DECKY]: name, [FleetLabel.SERVICE_NAME]: service },
        netnsOf: name,
      });
    }
  }
  return out;
}

/** Runs one size: a decky worker and an emailgen worker side by side, as the two daemons run. */
async function runSize(opts: ScaleOptions, n: number): Promise<GrowthRow> {
  const dir = join(opts.dir, `scale-${n}`);
  mkdirSync(dir, { recursive: true });
  const mailDeckies = Math.max(2, Math.round(n / opts.poolSize));
  const poolFile = join(dir, 'personas.json');
  writeFileSync(poolFile, JSON.stringify(Array.from({ length: opts.poolSize }, (_, i) => benchPersona(i))));
  const socketPath = join(dir, 'engine.sock');
  const peer = await startPeer({
    dir,
    engine: { socketPath, containers: benchContainers('s', n, mailDeckies), log: true },
    ollamaReply: LLM_REPLY,
  });
  try {
    const dbPath = join(dir, 'decnet.sqlite');
    // one daemon at a time: on two cores, the other daemon and the fake engine would be measured too
    const deckies = await runWorker('deckies', {
      socketPath,
      dbPath,
      deckies: n,
      intervalMs: opts.intervalMs,
      ratePerDeckyPerHour: opts.ratePerDeckyPerHour,
      seconds: opts.seconds,
    });
    await peer.resetEngine();
    const personaOpts = {
      socketPath,
      dbPath,
      poolFile,
      ollamaUrl: peer.ollamaUrl!,
      mailDeckies,
      personas: mailDeckies * opts.poolSize,
      meanGapMs: opts.personaMeanGapMs,
      intervalMs: opts.emailIntervalMs,
      seconds: opts.seconds,
    };
    const personas = await runWorker('personas', personaOpts, opts.workerTimeoutMs).catch((err: Error) => personaTimeout(personaOpts, err));
    return { size: n, deckies, personas };
  } finally {
    await peer.close();
  }
}

// a worker that did not finish (start-up blocked past the bound): every figure is unknown
function personaTimeout(o: { personas: number; mailDeckies: number }, err: Error): PersonaWorkerResult {
  return {
    personas: o.personas,
    mailDeckies: o.mailDeckies,
    startupMs: Number.NaN,
    emails: 0,
    emailsPerS: 0,
    failed: 0,
    cpuMsPerEmail: Number.NaN,
    cpuPercent: Number.NaN,
    rssBeforeMb: Number.NaN,
    rssAfterMb: Number.NaN,
    rssPerActorKb: Number.NaN,
    heapPerActorKb: Number.NaN,
    lag: { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
    stopMs: Number.NaN,
    error: err.message,
  };
}

async function runCapacityRun(opts: ScaleOptions): Promise<CapacityResult> {
  const dir = join(opts.dir, 'capacity');
  mkdirSync(dir, { recursive: true });
  const socketPath = join(dir, 'engine.sock');
  const peer = await startPeer({ dir, engine: { socketPath, containers: benchContainers('c', opts.capacityDeckies, 0) } });
  try {
    return await runWorker('capacity', {
      socketPath,
      dbPath: join(dir, 'decnet.sqlite'),
      deckies: opts.capacityDeckies,
      seconds: opts.capacitySeconds,
      intervalMs: 500,
    });
  } finally {
    await peer.close();
  }
}

/**
 * Scenario 2 (and the rows of scenario 5): the orchestrator and emailgen daemons over N deckies
 * and N personas on a fake engine that answers every exec at once, each in its own process;
 * plus the daemon kept saturated against a raw dockerode loop on the same fake engine.
 */
export async function scaleScenario(opts: ScaleOptions): Promise<{ result: ScenarioResult; growth: GrowthRow[] }> {
  const growth: GrowthRow[] = [];
  for (const n of opts.sizes) growth.push(await runSize(opts, n));
  const capacity = await runCapacityRun(opts);
  const top = growth[growth.length - 1]!;
  const totalRss = top.deckies.rssAfterMb + top.personas.rssAfterMb;
  const figures: Figure[] = [
    figure(`RSS, ${top.size} deckies + ${top.personas.personas} personas`, 'MB', totalRss, {
      target: atMost(totalRss, 500, '≤ 500 MB'),
      note: `orchestrator ${Math.round(top.deckies.rssAfterMb)} MB + emailgen ${Math.round(top.personas.rssAfterMb)} MB`,
    }),
    figure(`dispatch lag p99, ${top.size} deckies`, 'ms', top.deckies.lag.p99, { target: atMost(top.deckies.lag.p99, 50, '≤ 50 ms') }),
    figure(`dispatch lag p50, ${top.size} deckies`, 'ms', top.deckies.lag.p50),
    figure(`persona timer lag p99, ${top.personas.personas} personas`, 'ms', top.personas.lag.p99, {
      target: atMost(top.personas.lag.p99, 50, '≤ 50 ms'),
    }),
    figure('daemon throughput, saturated', 'actions/s', capacity.daemon.actionsPerS, {
      baseline: { name: 'raw dockerode', value: capacity.raw.actionsPerS },
      target: atLeast(capacity.daemon.actionsPerS / capacity.raw.actionsPerS, 0.9, '≥ 0.9 × raw'),
    }),
    figure('daemon CPU per action, saturated', 'ms', capacity.daemon.cpuMsPerAction, {
      baseline: { name: 'raw dockerode', value: capacity.raw.cpuMsPerAction },
    }),
    figure('port exec CPU, saturated', 'ms', capacity.port.cpuMsPerAction, {
      baseline: { name: 'raw dockerode', value: capacity.raw.cpuMsPerAction },
    }),
    figure('runtime CPU per action, no exec', 'ms', capacity.runtimeOnly.cpuMsPerAction, {
      note: 'the daemon on an instant in-process port: supervisor, decky actors, event row, bus, log',
    }),
    figure(`CPU per action, ${top.size} deckies`, 'ms', top.deckies.cpuMsPerAction),
    figure(`CPU per email, ${top.personas.personas} personas`, 'ms', top.personas.cpuMsPerEmail),
    figure(`start-up, ${top.size} decky actors`, 's', top.deckies.startupMs / 1000),
    figure(`start-up, ${top.personas.personas} persona actors`, 's', top.personas.startupMs / 1000),
    figure(`graceful stop, ${top.size} decky actors`, 's', top.deckies.stopMs / 1000, {
      target: atMost(top.deckies.stopMs / 1000, 30, '≤ 30 s'),
      note: 'drain, flush and every actor stopped; systemd allows 30 s (TimeoutStopSec)',
    }),
    figure(`graceful stop, ${top.personas.personas} persona actors`, 's', top.personas.stopMs / 1000, {
      note: 'drain and every actor stopped; systemd allows 30 s (TimeoutStopSec)',
    }),
  ];
  const settings = {
    ratePerDeckyPerHour: opts.ratePerDeckyPerHour,
    intervalMs: opts.intervalMs,
    personaMeanGapMs: opts.personaMeanGapMs,
    emailIntervalMs: opts.emailIntervalMs,
    poolSize: opts.poolSize,
    seconds: opts.seconds,
    capacityDeckies: opts.capacityDeckies,
  };
  return {
    result: { id: 'scale', title: 'Scale on a fake engine', figures, info: { settings, capacity, sizes: growth } },
    growth,
  };
}
