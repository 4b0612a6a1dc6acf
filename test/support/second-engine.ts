import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { alive, delay, freeOctet, iptables, isOurDaemon, tail } from './second-engine-host.js';

/** How to run one extra engine; `name` keeps two engines (two test files) apart. */
export interface SecondEngineOptions {
  /** short [a-z0-9-] name; directories, the address pool and the iptables comment derive from it */
  name: string;
  /** third octet of the engine's address pool `10.214.<octet>.0/24`; default: from the name */
  octet?: number;
  /** images copied from the main engine when missing or different (default: the decky image) */
  images?: readonly string[];
  /** persistent state (data-root: the image cache); default /var/tmp/decnet-engines/<name> */
  stateDir?: string;
  /** how long start waits for the API (default 60 s) */
  startTimeoutMs?: number;
  /** `--live-restore`: containers keep running while the daemon is stopped (default false) */
  liveRestore?: boolean;
}

const DECKY_IMAGE = process.env.DECKY_IMAGE ?? 'decnet-decky:bookworm';
const live = new Set<SecondEngine>();
process.once('exit', () => {
  for (const e of live) e.signal('SIGTERM');
});

/** True when this process may start a dockerd (root, binary on PATH). */
export function canRunSecondEngine(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('dockerd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether suites needing a second engine run; under DECNET_REQUIRE_DOCKER=1 (CI) an unusable
 * machine is an error instead of a skip.
 */
export function requireSecondEngineOrSkip(): boolean {
  const ok = canRunSecondEngine();
  if (!ok && process.env.DECNET_REQUIRE_DOCKER === '1')
    throw new Error('DECNET_REQUIRE_DOCKER=1 but no dockerd can be started here (root and dockerd needed)');
  return ok;
}

/**
 * Usage: `const e = await startSecondEngine({ name: 'multihost' })`, then `DOCKER_HOST=e.dockerHost`
 * for a daemon under test and `e.docker` for set-up; `e.stop()` / `e.resume()` for an outage;
 * `e.cleanup()` in afterAll. Each test file uses its own name.
 *
 * An independent dockerd on this machine (own data-root, exec-root, pidfile, unix socket, no
 * default bridge, no iptables management), a real "remote host" that tests may stop and start
 * without touching the main engine. Networks come from its own pool `10.214.<octet>.0/24`; one
 * FORWARD rule (commented with the name) lets containers of that pool talk, since the main
 * engine's FORWARD policy is DROP.
 */
export class SecondEngine {
  readonly name: string;
  readonly octet: number;
  /** the pool every network of this engine is carved from */
  readonly pool: string;
  readonly stateDir: string;
  readonly runDir: string;
  readonly socketPath: string;
  /** DOCKER_HOST value for this engine */
  readonly dockerHost: string;
  readonly docker: Docker;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private readonly images: readonly string[];
  private readonly startTimeoutMs: number;
  private readonly liveRestore: boolean;

  constructor(opts: SecondEngineOptions) {
    if (!/^[a-z0-9-]{1,24}$/.test(opts.name)) throw new Error(`engine name must be [a-z0-9-]{1,24}: ${opts.name}`);
    this.name = opts.name;
    this.octet = opts.octet ?? freeOctet(opts.name);
    this.pool = `10.214.${this.octet}.0/24`;
    this.stateDir = opts.stateDir ?? join('/var/tmp/decnet-engines', opts.name);
    // unix socket paths are limited to 108 bytes and containerd nests sockets under exec-root
    this.runDir = join('/tmp', `dne2-${opts.name}`);
    this.socketPath = join(this.runDir, 'docker.sock');
    this.dockerHost = `unix://${this.socketPath}`;
    this.docker = new Docker({ socketPath: this.socketPath });
    this.logFile = join(this.runDir, 'dockerd.log');
    this.images = opts.images ?? [DECKY_IMAGE];
    this.startTimeoutMs = opts.startTimeoutMs ?? 60_000;
    this.liveRestore = opts.liveRestore ?? false;
  }

  /**
   * First start: stops a stale daemon of the same name (a run that died without cleanup), starts
   * this one, removes what a previous run left in it, opens the pool and copies the images.
   */
  async start(): Promise<void> {
    await this.killStale();
    mkdirSync(join(this.stateDir, 'data'), { recursive: true });
    mkdirSync(join(this.runDir, 'exec'), { recursive: true });
    await this.launch();
    await this.purge();
    this.allowPoolTraffic();
    await this.ensureImages();
  }

  /** Starts the daemon again after `stop()`; containers with a restart policy (or live-restore) come back. */
  async resume(): Promise<void> {
    if (this.running) return;
    await this.launch();
  }

  /** Stops the daemon gracefully (its containers stop with it); SIGKILL past `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.child || !this.exited) return;
    this.signal('SIGTERM');
    const killed = await Promise.race([this.exited.then(() => false), delay(timeoutMs).then(() => true)]);
    if (killed) {
      this.signal('SIGKILL');
      await this.exited;
    }
  }

  /** stop() then resume(): what `systemctl restart docker` does to a host. */
  async restart(): Promise<void> {
    await this.stop();
    await this.resume();
  }

  /** True while the daemon process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal to the daemon process (no-op when it is not running). */
  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child?.kill(sig);
  }

  /** Removes every container and network, stops the daemon, drops the rule; keeps the image cache. */
  async cleanup(): Promise<void> {
    // a stopped live-restore daemon still has running containers: start it to remove them
    if (!this.running && this.child) await this.launch().catch(() => undefined);
    if (this.running) await this.purge();
    await this.stop();
    this.dropPoolRule();
    // a live-restore daemon leaves its data-root bind mount behind at shutdown
    const dataRoot = join(this.stateDir, 'data');
    if (
      readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .some((l) => l.split(' ')[1] === dataRoot)
    ) {
      try {
        execFileSync('umount', [dataRoot], { stdio: 'ignore' });
      } catch {
        // busy: the next start mounts over it again, which dockerd tolerates
      }
    }
    live.delete(this);
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private async purge(): Promise<void> {
    const containers = await this.docker.listContainers({ all: true }).catch(() => []);
    await Promise.all(
      containers.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    const networks = await this.docker.listNetworks().catch(() => []);
    const own = networks.filter((n) => !['bridge', 'host', 'none'].includes(n.Name));
    await Promise.all(
      own.map((n) =>
        this.docker
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined),
      ),
    );
  }

  private async launch(): Promise<void> {
    const args = [
      `--data-root=${join(this.stateDir, 'data')}`,
      `--exec-root=${join(this.runDir, 'exec')}`,
      `--pidfile=${join(this.runDir, 'docker.pid')}`,
      `-H=${this.dockerHost}`,
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      `--default-address-pool=base=${this.pool},size=27`,
      // a container ignoring SIGTERM (sleep as pid 1) must not hold a stop for the default 15 s
      '--shutdown-timeout=2',
      // never the main engine's /etc/docker/daemon.json (its hosts, pools or bridge would clash)
      `--config-file=${join(this.runDir, 'daemon.json')}`,
      ...(this.liveRestore ? ['--live-restore'] : []),
    ];
    writeFileSync(join(this.runDir, 'daemon.json'), '{}\n');
    const log = openSync(this.logFile, 'a');
    const child = spawn('dockerd', args, { stdio: ['ignore', log, log] });
    child.unref();
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    live.add(this);
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`dockerd ${this.name} exited at start; see ${this.logFile}:\n${tail(this.logFile)}`);
      if (
        await this.docker.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      await delay(200);
    }
    this.signal('SIGKILL');
    throw new Error(`dockerd ${this.name} did not answer within ${this.startTimeoutMs} ms; see ${this.logFile}`);
  }

  // a previous run that died without cleanup left its daemon (and pidfile) behind
  private async killStale(): Promise<void> {
    const pidfile = join(this.runDir, 'docker.pid');
    if (!existsSync(pidfile)) return;
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    if (!(pid > 1) || !isOurDaemon(pid, this.runDir)) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 150 && alive(pid); i++) await delay(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  private async ensureImages(): Promise<void> {
    const main = new Docker();
    for (const name of this.images) {
      const want = (await main.getImage(name).inspect()).Id;
      const have = await this.docker
        .getImage(name)
        .inspect()
        .then(
          (i) => i.Id,
          () => undefined,
        );
      if (have === want) continue;
      const tar = await main.getImage(name).get();
      const progress = await this.docker.loadImage(tar);
      await new Promise<void>((resolve, reject) => {
        progress.on('error', reject);
        progress.on('end', () => resolve());
        progress.resume();
      });
    }
  }

  private ruleSpec(): string[] {
    return ['FORWARD', '-s', this.pool, '-d', this.pool, '-m', 'comment', '--comment', `decnet-e2:${this.name}`, '-j', 'ACCEPT'];
  }

  private allowPoolTraffic(): void {
    this.dropPoolRule();
    const [chain, ...rest] = this.ruleSpec();
    if (!iptables(['-I', chain!, '1', ...rest]))
      console.warn(`second engine ${this.name}: no iptables rule; its containers may not reach each other`);
  }

  private dropPoolRule(): void {
    for (let i = 0; i < 10; i++) if (!iptables(['-D', ...this.ruleSpec()])) return;
  }
}

/** Creates and starts an engine; on failure it is cleaned up before the error is thrown. */
export async function startSecondEngine(opts: SecondEngineOptions): Promise<SecondEngine> {
  const engine = new SecondEngine(opts);
  try {
    await engine.start();
  } catch (err) {
    await engine.cleanup().catch(() => undefined);
    throw err;
  }
  return engine;
}
