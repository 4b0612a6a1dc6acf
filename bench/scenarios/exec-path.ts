import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DECKY_IMAGE, type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import type { ExecRequest } from '../../src/infra/docker/docker.port.js';
import { buildFileExec } from '../../src/actors/drivers/file.driver.js';
import { buildTrafficExec } from '../../src/actors/drivers/traffic.driver.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { observeDeckies } from '../../src/machines/discovery/observe.js';
import { markInFlight, meanInFlight, newTap, saturatingSettings, startDaemon, tapPort } from '../lib/daemon.js';
import { cliExec, closedLoop, type LoopResult, rawDockerodeExec } from '../lib/exec-loops.js';
import { sleep, startMeter } from '../lib/measure.js';
import { atLeast, atMost, figure, type ScenarioResult } from '../lib/report.js';

/** Size of the exec-path run. */
export interface ExecPathOptions {
  /** decky containers (one `-ssh` container each); also the concurrency of every variant */
  deckies: number;
  /** how long the daemon runs; the loops then replay the same execs */
  seconds: number;
  /** scratch directory (SQLite file) */
  dir: string;
}

/** Per-variant numbers, for the growth table and the JSON. */
export interface VariantNumbers {
  actions: number;
  failed: number;
  actionsPerS: number;
  cpuMsPerAction: number;
  engineCpuMsPerAction: number;
}

function numbers(r: LoopResult, withChildren = false): VariantNumbers {
  const cpu = r.cpuMs + (withChildren ? r.childCpuMs : 0);
  return {
    actions: r.actions,
    failed: r.failed,
    actionsPerS: (r.actions * 1000) / r.wallMs,
    cpuMsPerAction: cpu / Math.max(r.actions, 1),
    engineCpuMsPerAction: r.engineCpuMs / Math.max(r.actions, 1),
  };
}

/**
 * Scenario 1: the same decky containers on the real engine, the same concurrency, the same execs:
 * the whole daemon (supervisor, decky actors, drivers, event writer, SQLite, logs) against a
 * replay of its execs through the daemon's port alone, a minimal raw dockerode loop, and a loop
 * of `docker exec` processes (their CPU counted).
 */
export async function execPathScenario(opts: ExecPathOptions): Promise<ScenarioResult> {
  const id = 'exec-path';
  const title = 'Exec path on the real engine';
  const docker = new Docker();
  try {
    await docker.ping();
    await docker.getImage(DECKY_IMAGE).inspect();
  } catch (err) {
    return { id, title, figures: [], info: {}, skipped: `no Docker engine or image ${DECKY_IMAGE}: ${(err as Error).message}` };
  }
  const tag = `bench${randomBytes(3).toString('hex')}`;
  const specs = Array.from({ length: opts.deckies }, (_, i) => ({
    name: `${tag}-d${i}`,
    services: ['ssh'],
    labels: { 'decnet.scope': tag },
  }));
  let launched: LaunchedNetwork | undefined;
  try {
    launched = await launchDeckies(docker, `${tag}-net`, specs);
    const port = createDocker({ scope: `decnet.scope=${tag}` });
    // warm the engine and the containers with the real workload (python3 probe, file write) so the
    // variant that runs first does not pay for cold caches
    await sleep(300);
    const running = observeDeckies(await port.listDeckyContainers(), 'local');
    const warm: ExecRequest[] = [];
    running.forEach((d, i) => {
      const name = d.name;
      const peer = running[(i + 1) % running.length]!;
      const probe = buildTrafficExec({ srcName: name, dstName: 'peer', dstIp: peer.ip ?? '127.0.0.1' });
      const file = buildFileExec({ dstName: name, path: '/tmp/.bench-warm', content: 'warm\n' });
      if (probe.ok) warm.push(probe.exec, probe.exec);
      if (file.ok) warm.push(file.exec);
    });
    await closedLoop(warm, opts.deckies, (r) => rawDockerodeExec(docker, r));

    const daemon = await runDaemon(opts, port);
    const replay = daemon.requests;
    const raw = numbers(await closedLoop(replay, opts.deckies, (r) => rawDockerodeExec(docker, r), { engine: true }));
    const viaPort = numbers(await closedLoop(replay, opts.deckies, async (r) => (await port.exec(r)).rc, { engine: true }));
    const cli = numbers(await closedLoop(replay, opts.deckies, (r) => cliExec(r), { engine: true }), true);
    port.close?.();

    const d = daemon.numbers;
    return {
      id,
      title,
      figures: [
        figure('daemon throughput', 'actions/s', d.actionsPerS, {
          baseline: { name: 'raw dockerode', value: raw.actionsPerS },
          target: atLeast(d.actionsPerS / raw.actionsPerS, 0.9, '≥ 0.9 × raw'),
        }),
        figure('daemon CPU per action', 'ms', d.cpuMsPerAction, {
          baseline: { name: 'raw dockerode', value: raw.cpuMsPerAction },
          target: atMost(d.cpuMsPerAction / raw.cpuMsPerAction, 2, '≤ 2 × raw'),
        }),
        figure('daemon CPU per action vs CLI', 'ms', d.cpuMsPerAction, {
          baseline: { name: 'docker exec CLI', value: cli.cpuMsPerAction },
          target: atMost(d.cpuMsPerAction / cli.cpuMsPerAction, 0.2, '≤ 0.2 × CLI'),
        }),
        figure('port (driver exec) throughput', 'actions/s', viaPort.actionsPerS, {
          baseline: { name: 'raw dockerode', value: raw.actionsPerS },
        }),
        figure('port (driver exec) CPU per action', 'ms', viaPort.cpuMsPerAction, {
          baseline: { name: 'raw dockerode', value: raw.cpuMsPerAction },
        }),
        figure('docker exec CLI throughput', 'actions/s', cli.actionsPerS, { baseline: { name: 'raw dockerode', value: raw.actionsPerS } }),
      ],
      info: {
        deckies: opts.deckies,
        concurrency: opts.deckies,
        daemonMeanInFlight: daemon.meanInFlight,
        daemon: d,
        port: viaPort,
        raw,
        cli,
      },
    };
  } finally {
    if (launched) await removeDeckies(docker, launched);
  }
}

async function runDaemon(
  opts: ExecPathOptions,
  port: ReturnType<typeof createDocker>,
): Promise<{ numbers: VariantNumbers; requests: ExecRequest[]; meanInFlight: number }> {
  const store = await openStore({ dbPath: join(opts.dir, `exec-path-${Date.now()}.sqlite`) });
  const tap = newTap();
  const handle = startDaemon({ store, docker: tapPort(port, tap, true), settings: saturatingSettings(), discover: true });
  try {
    for (let i = 0; tap.firstAt === null; i++) {
      if (i > 2000) throw new Error('the daemon never ran an exec');
      await sleep(10);
    }
    const meter = startMeter({ engine: true });
    const finished0 = tap.finished;
    const failed0 = tap.failed;
    const flight0 = markInFlight(tap);
    await sleep(opts.seconds * 1000);
    const inFlight = meanInFlight(tap, flight0);
    const m = meter.read();
    const actions = tap.finished - finished0;
    return {
      numbers: {
        actions,
        failed: tap.failed - failed0,
        actionsPerS: (actions * 1000) / m.wallMs,
        cpuMsPerAction: m.cpuMs / Math.max(actions, 1),
        engineCpuMsPerAction: m.engineCpuMs / Math.max(actions, 1),
      },
      requests: tap.requests.slice(0, Math.max(actions, 1)),
      meanInFlight: inFlight,
    };
  } finally {
    await handle.stop('bench');
    await store.close();
  }
}
