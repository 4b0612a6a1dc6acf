import Docker from 'dockerode';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import type { ContainerInfo } from '../../src/domain/container.js';
import { FleetLabel } from '../../src/domain/decnet-layout.js';
import type { DockerPort, ExecRequest } from '../../src/infra/docker/docker.port.js';
import { run } from '../peers/fake-engine.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { markInFlight, meanInFlight, newTap, saturatingSettings, startDaemon, tapPort } from '../lib/daemon.js';
import { closedLoop, type LoopResult, rawDockerodeExec } from '../lib/exec-loops.js';
import { sleep, startMeter } from '../lib/measure.js';

/** The daemon kept saturated over `deckies` deckies on the fake engine, then the raw loop on the same execs. */
export interface CapacityOptions {
  socketPath: string;
  dbPath: string;
  deckies: number;
  seconds: number;
  /** mean tick interval of the saturated daemon */
  intervalMs: number;
}

/** Throughput and client CPU of one variant. */
export interface CapacityNumbers {
  actions: number;
  failed: number;
  actionsPerS: number;
  cpuMsPerAction: number;
}

/** What the capacity run measured. */
export interface CapacityResult {
  daemon: CapacityNumbers & { meanInFlight: number };
  port: CapacityNumbers;
  raw: CapacityNumbers;
  /** the daemon on an instant in-process port: the runtime's own cost per action */
  runtimeOnly: CapacityNumbers & { meanInFlight: number };
}

function numbers(r: LoopResult): CapacityNumbers {
  return {
    actions: r.actions,
    failed: r.failed,
    actionsPerS: (r.actions * 1000) / r.wallMs,
    cpuMsPerAction: r.cpuMs / Math.max(r.actions, 1),
  };
}

/** A DockerPort answering every exec on the next turn of the loop, in process: no HTTP at all. */
function instantPort(deckies: number): DockerPort {
  // DECNET's layout: a label-less base holding the ip, `-ssh` sharing its network
  const containers: ContainerInfo[] = Array.from({ length: deckies }, (_, i): ContainerInfo[] => [
    {
      id: `svc${i}`,
      name: `c-d${i}-ssh`,
      running: true,
      labels: { [FleetLabel.SERVICE]: 'true', [FleetLabel.DECKY]: `c-d${i}`, [FleetLabel.SERVICE_NAME]: 'ssh' },
      networkContainerId: `base${i}`,
      networks: {},
    },
    { id: `base${i}`, name: `c-d${i}`, running: true, labels: {}, networks: { bench: `10.0.${i >> 8}.${(i & 255) + 1}` } },
  ]).flat();
  return {
    hostId: 'local',
    exec: (req) =>
      new Promise((resolve) =>
        setImmediate(() => {
          const [stdout, stderr, rc] = run(req.argv);
          resolve({ rc, stdout, stderr, timedOut: false, truncated: false, durationMs: 0 });
        }),
      ),
    listDeckyContainers: async () => containers,
    // no file system to read: the planner treats the deckies' accounts as unknown
    readFile: async () => ({ ok: false, reason: 'engine', detail: 'the capacity engine models exec only' }),
    watchEvents: () => () => undefined,
    ping: async () => true,
  };
}

// the daemon saturated over `opts.deckies` deckies for `seconds`; `port` decides what an exec costs
async function saturatedDaemon(
  opts: CapacityOptions,
  dbPath: string,
  port: DockerPort,
): Promise<{ numbers: CapacityResult['daemon']; requests: ExecRequest[] }> {
  const store = await openStore({ dbPath });
  const tap = newTap();
  const handle = startDaemon({ store, docker: tapPort(port, tap, true), discover: true, settings: saturatingSettings(opts.intervalMs) });
  try {
    while (tap.firstAt === null) await sleep(10);
    await sleep(300);
    const meter = startMeter();
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
        meanInFlight: inFlight,
      },
      requests: tap.requests.slice(0, Math.max(actions, 1)),
    };
  } finally {
    await handle.stop('bench');
    await store.close();
  }
}

/**
 * Daemon throughput at saturation against a raw dockerode loop replaying its execs at the same
 * concurrency, plus two decompositions: the port's exec alone on the same execs, and the daemon
 * on an instant in-process port (what the runtime costs per action without any exec).
 */
export async function runCapacity(opts: CapacityOptions): Promise<CapacityResult> {
  const port = createDocker({ dockerHost: `unix://${opts.socketPath}` });
  const daemon = await saturatedDaemon(opts, opts.dbPath, port);
  const replay = daemon.requests;
  const docker = new Docker({ socketPath: opts.socketPath });
  const raw = numbers(await closedLoop(replay, opts.deckies, (r) => rawDockerodeExec(docker, r)));
  const viaPort = numbers(await closedLoop(replay, opts.deckies, async (r) => (await port.exec(r)).rc));
  port.close?.();
  const runtime = await saturatedDaemon(opts, `${opts.dbPath}.runtime`, instantPort(opts.deckies));
  return { daemon: daemon.numbers, port: viaPort, raw, runtimeOnly: runtime.numbers };
}
