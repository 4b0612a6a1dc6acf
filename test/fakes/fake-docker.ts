import type { ContainerEvent, DockerPort, ExecRequest, ExecResult, FileReadResult } from '../../src/infra/docker/docker.port.js';
import type { ContainerInfo } from '../../src/domain/container.js';
import {
  baseNameOf,
  FLEET_NETWORK,
  FleetLabel,
  selectLayout,
  serviceIdentity,
  TopologyLabel,
  topologyPrefix,
} from '../../src/domain/decnet-layout.js';
import { FILE_SCRIPT } from '../../src/actors/drivers/file.driver.js';
import { TRAFFIC_PROBE } from '../../src/actors/drivers/traffic.driver.js';

/** A container the fake engine runs. */
export interface FakeContainer {
  id: string;
  name: string;
  running: boolean;
  labels: Record<string, string>;
  /** the container whose network namespace this one shares */
  networkContainerId?: string;
  /** address by network name; reported only while the container runs */
  networks: Record<string, string>;
}

/** One exec the fake received, as asked (stdin as bytes). */
export interface ExecCall {
  container: string;
  argv: string[];
  stdin?: Buffer;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** A file the fake wrote for the §3.2 script. */
export interface FileWrite {
  container: string;
  path: string;
  content: Buffer;
  /** epoch seconds from the script's `$2`, when given */
  mtime?: number;
}

/** How the fake answers the next exec into one container, whatever its argv. */
export type ExecScript =
  | { kind: 'hang' } // answers at the request's timeout with rc 124, like the real port
  | { kind: 'flood' } // answers at once as truncated (rc 125)
  | { kind: 'result'; result: Partial<ExecResult> };

/** What the traffic probe sees at one destination IP. */
export type ProbeAnswer = { banner: string } | { rc: number; stderr: string };

/** The banner a running `<decky>-ssh` container answers with unless told otherwise. */
export const FAKE_SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';

type Model = { matches: (req: ExecRequest) => boolean; answer: (req: ExecRequest) => Promise<ExecResult> | ExecResult };

/**
 * An in-memory Docker engine for one host. It models containers (add/remove/start/stop, with
 * events to watchers), the traffic probe and the file script; any other exec throws
 * `not implemented: exec <argv0>` so no test passes by accident. Every call is recorded.
 */
export class FakeDocker implements DockerPort {
  readonly hostId: string;
  /** every exec, in order */
  readonly calls: ExecCall[] = [];
  /** every file written by the file script, in order */
  readonly files: FileWrite[] = [];
  /** how many times listDeckyContainers was called */
  listCalls = 0;
  /** what ping answers */
  reachable = true;
  /** default exec timeout, used when a request gives none */
  defaultTimeoutMs = 8000;

  private readonly byName = new Map<string, FakeContainer>();
  private readonly probes = new Map<string, ProbeAnswer>();
  private readonly scripts = new Map<string, ExecScript[]>();
  private readonly models: Model[] = [];
  private readonly readable = new Map<string, Buffer>();
  /** every readFile, in order */
  readonly reads: { container: string; path: string; maxBytes: number }[] = [];
  private readonly watchers = new Set<{ onEvent: (e: ContainerEvent) => void; onError: (err: Error) => void }>();
  private listFailures: Error[] = [];
  private nextId = 1;

  constructor(opts: { hostId?: string } = {}) {
    this.hostId = opts.hostId ?? 'local';
  }

  /**
   * adds one container (running by default) and emits `create` (+ `start`); `ip` is its address on
   * `network` (default `decnet_lan`), `networkContainerId` the container whose network it shares
   */
  addContainer(c: {
    name: string;
    labels?: Record<string, string>;
    running?: boolean;
    ip?: string;
    network?: string;
    networkContainerId?: string;
  }): FakeContainer {
    const container: FakeContainer = {
      id: `fake${String(this.nextId++).padStart(8, '0')}`,
      name: c.name,
      running: c.running ?? true,
      labels: { ...c.labels },
      networks: c.ip ? { [c.network ?? FLEET_NETWORK]: c.ip } : {},
      ...(c.networkContainerId ? { networkContainerId: c.networkContainerId } : {}),
    };
    this.byName.set(c.name, container);
    this.emit('create', container);
    if (container.running) this.emit('start', container);
    return container;
  }

  /**
   * lays out a decky as DECNET does (DECNET-COMPAT §1): a label-less base `<name>` holding the ip
   * (topology: `decnet_t_<id8>_<name>`, labelled), then `<name>-<service>` containers sharing its
   * network, labelled `decnet.fleet.*` or `decnet.topology.*` plus `labels`. Services default to
   * ssh; `running: false` stops base and services. Returns the service containers.
   */
  addDecky(
    name: string,
    opts: { services?: string[]; ip?: string; running?: boolean; labels?: Record<string, string>; topologyId?: string } = {},
  ): FakeContainer[] {
    const topo = opts.topologyId;
    const base = this.addContainer({
      name: baseNameOf({ decky: name, topologyId: topo }),
      labels: topo === undefined ? {} : { [TopologyLabel.ID]: topo, [TopologyLabel.DECKY]: name, [TopologyLabel.ROLE]: 'base' },
      running: opts.running,
      ip: opts.ip,
      ...(topo === undefined ? {} : { network: `${topologyPrefix(topo)}lan` }),
    });
    return (opts.services ?? ['ssh']).map((service) =>
      this.addContainer({
        name: `${name}-${service}`,
        labels: {
          ...(topo === undefined
            ? { [FleetLabel.SERVICE]: 'true', [FleetLabel.DECKY]: name, [FleetLabel.SERVICE_NAME]: service }
            : {
                [TopologyLabel.SERVICE]: 'true',
                [TopologyLabel.ID]: topo,
                [TopologyLabel.DECKY]: name,
                [TopologyLabel.SERVICE_NAME]: service,
              }),
          ...opts.labels,
        },
        running: opts.running,
        networkContainerId: base.id,
      }),
    );
  }

  /** removes a container; emits `destroy` */
  removeContainer(name: string): void {
    const c = this.mustGet(name);
    this.byName.delete(name);
    this.emit('destroy', c);
  }

  /** starts a stopped container; emits `start` */
  start(name: string): void {
    const c = this.mustGet(name);
    c.running = true;
    this.emit('start', c);
  }

  /** stops a running container; emits `die` and `stop` */
  stop(name: string): void {
    const c = this.mustGet(name);
    c.running = false;
    this.emit('die', c);
    this.emit('stop', c);
  }

  /** the containers, as the fake holds them */
  containers(): FakeContainer[] {
    return [...this.byName.values()];
  }

  /** what the traffic probe gets from `ip` (default: the banner when a running ssh container has it) */
  setProbeAnswer(ip: string, answer: ProbeAnswer): void {
    this.probes.set(ip, answer);
  }

  /** queues an answer for the next exec into `container` (consumed in order, before any model) */
  scriptNextExec(container: string, script: ExecScript): void {
    const list = this.scripts.get(container) ?? [];
    list.push(script);
    this.scripts.set(container, list);
  }

  /** teaches the fake one more argv shape (e.g. another helper's delivery script) */
  model(matches: Model['matches'], answer: Model['answer']): void {
    this.models.push({ matches, answer });
  }

  /** what readFile gives for `path` in `container` (an archive download: no exec is recorded) */
  setFile(container: string, path: string, content: string | Buffer): void {
    this.readable.set(`${container}\u0000${path}`, Buffer.from(content));
  }

  /** makes the next listDeckyContainers call throw `err` */
  failNextList(err: Error = new Error('fake engine: list failed')): void {
    this.listFailures.push(err);
  }

  /** ends every event stream with `err` (watchers are dropped, as a real stream would be) */
  failEventStreams(err: Error = new Error('fake engine: event stream ended')): void {
    const ws = [...this.watchers];
    this.watchers.clear();
    for (const w of ws) w.onError(err);
  }

  /** live event subscriptions */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** the newest file written at `path` in `container` */
  fileAt(container: string, path: string): FileWrite | undefined {
    return this.files.filter((f) => f.container === container && f.path === path).at(-1);
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    const stdin = req.stdin === undefined ? undefined : Buffer.from(req.stdin);
    this.calls.push({
      container: req.container,
      argv: [...req.argv],
      ...(stdin ? { stdin } : {}),
      timeoutMs: req.timeoutMs,
      maxOutputBytes: req.maxOutputBytes,
    });
    const c = this.byName.get(req.container);
    if (!c) return result({ rc: 127, stderr: `no such container: ${req.container}` });
    if (!c.running) return result({ rc: 125, stderr: `container not running: ${req.container}` });
    const script = this.scripts.get(req.container)?.shift();
    if (script) return this.runScript(script, req);
    if (isProbe(req.argv)) return this.probe(req.argv[3]!);
    if (isFileScript(req.argv)) {
      const mtime = req.argv[5] === undefined ? undefined : Number(req.argv[5]);
      this.files.push({
        container: req.container,
        path: req.argv[4]!,
        content: stdin ?? Buffer.alloc(0),
        ...(mtime === undefined ? {} : { mtime }),
      });
      return result({ rc: 0 });
    }
    const model = this.models.find((m) => m.matches(req));
    if (model) return model.answer(req);
    throw new Error(`not implemented: exec ${req.argv[0]}`);
  }

  // models the archive download of files a test set; anything else is not modelled
  async readFile(container: string, path: string, maxBytes: number): Promise<FileReadResult> {
    this.reads.push({ container, path, maxBytes });
    if (!this.byName.has(container)) return { ok: false, reason: 'missing', detail: `no such container: ${container}` };
    const content = this.readable.get(`${container}\u0000${path}`);
    if (!content) throw new Error(`not implemented: readFile ${path} in ${container}`);
    if (content.length > maxBytes)
      return { ok: false, reason: 'too-large', detail: `file is ${content.length} bytes, more than ${maxBytes}` };
    return { ok: true, content: Buffer.from(content) };
  }

  async listDeckyContainers(): Promise<ContainerInfo[]> {
    this.listCalls++;
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    return selectLayout(this.containers().map(info));
  }

  watchEvents(onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void {
    const w = { onEvent, onError };
    this.watchers.add(w);
    return () => {
      this.watchers.delete(w);
    };
  }

  async ping(): Promise<boolean> {
    return this.reachable;
  }

  private probe(ip: string): ExecResult {
    const answer = this.probes.get(ip);
    if (answer && 'banner' in answer) return result({ rc: 0, stdout: answer.banner });
    if (answer) return result({ rc: answer.rc, stderr: answer.stderr });
    return this.sshAnswersAt(ip)
      ? result({ rc: 0, stdout: FAKE_SSH_BANNER })
      : result({ rc: 1, stderr: 'ConnectionRefusedError: [Errno 111] Connection refused\n' });
  }

  // a running `-ssh` service whose running base holds the address
  private sshAnswersAt(ip: string): boolean {
    return this.containers().some((c) => {
      if (!c.running || serviceIdentity(c)?.service !== 'ssh' || !c.networkContainerId) return false;
      const base = this.containers().find((b) => b.id === c.networkContainerId);
      return !!base?.running && Object.values(base.networks).includes(ip);
    });
  }

  private runScript(script: ExecScript, req: ExecRequest): Promise<ExecResult> | ExecResult {
    if (script.kind === 'flood') return result({ rc: 125, truncated: true, stderr: 'output exceeded the cap; exec abandoned' });
    if (script.kind === 'result') return result(script.result);
    const ms = req.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve) =>
      setTimeout(() => resolve(result({ rc: 124, timedOut: true, stderr: `timed out after ${ms} ms`, durationMs: ms })), ms),
    );
  }

  private concerns(c: FakeContainer): boolean {
    if (serviceIdentity(c)) return true;
    return this.containers().some((s) => s.networkContainerId === c.id) || c.labels[TopologyLabel.ROLE] === 'base';
  }

  private mustGet(name: string): FakeContainer {
    const c = this.byName.get(name);
    if (!c) throw new Error(`not implemented: container ${name} is not in the fake`);
    return c;
  }

  // delivered asynchronously like the engine's, to the watchers subscribed when it happened
  private emit(action: string, c: FakeContainer): void {
    // the real port hears service containers and their bases, whatever else runs on the engine
    if (!this.concerns(c)) return;
    const e: ContainerEvent = { action, containerId: c.id, name: c.name, labels: { ...c.labels } };
    const targets = [...this.watchers];
    queueMicrotask(() => {
      for (const w of targets) if (this.watchers.has(w)) w.onEvent(e);
    });
  }
}

function info(c: FakeContainer): ContainerInfo {
  return {
    id: c.id,
    name: c.name,
    running: c.running,
    labels: { ...c.labels },
    networks: c.running ? { ...c.networks } : {},
    ...(c.networkContainerId ? { networkContainerId: c.networkContainerId } : {}),
  };
}

function isProbe(argv: readonly string[]): boolean {
  return argv.length === 4 && argv[0] === 'python3' && argv[1] === '-c' && argv[2] === TRAFFIC_PROBE;
}

function isFileScript(argv: readonly string[]): boolean {
  return (argv.length === 5 || argv.length === 6) && argv[0] === 'sh' && argv[1] === '-c' && argv[2] === FILE_SCRIPT && argv[3] === 'sh';
}

function result(r: Partial<ExecResult>): ExecResult {
  return { rc: 0, stdout: '', stderr: '', timedOut: false, truncated: false, durationMs: 1, ...r };
}
