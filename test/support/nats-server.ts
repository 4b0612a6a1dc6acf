import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The nats-server binary: Debian's package installs it in /usr/sbin. */
const BINARY = process.env.NATS_SERVER_BIN ?? 'nats-server';

/** True when a nats-server binary runs here. */
export function natsServerInstalled(): boolean {
  try {
    execFileSync(BINARY, ['--version'], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether NATS suites run. Under DECNET_REQUIRE_DOCKER=1 (CI) or DECNET_REQUIRE_NATS=1 a missing
 * nats-server is an error (scripts/setup.sh installs it), so the suites fail instead of skipping.
 */
export function requireNatsOrSkip(): boolean {
  const ok = natsServerInstalled();
  const required = process.env.DECNET_REQUIRE_DOCKER === '1' || process.env.DECNET_REQUIRE_NATS === '1';
  if (!ok && required) throw new Error('a nats-server is required but not installed (run scripts/setup.sh)');
  return ok;
}

/** A real nats-server on a loopback port, stoppable and restartable on that same port (outages). */
export class NatsServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly configFile?: string,
  ) {}

  /** `nats://127.0.0.1:<port>` */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /**
   * Starts a server on a free port; `config` is nats-server configuration text (authorization,
   * tls, …) written to a temp file, the listen address still coming from the command line.
   */
  static async start(opts: { config?: string } = {}): Promise<NatsServer> {
    let file: string | undefined;
    if (opts.config !== undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'decnet-nats-conf-'));
      file = join(dir, 'nats.conf');
      writeFileSync(file, opts.config);
    }
    const server = new NatsServer(await freePort(), file);
    await server.resume();
    return server;
  }

  /** Starts the process (again) on the same port and waits until it accepts connections. */
  async resume(): Promise<void> {
    if (this.child) return;
    const args = ['-a', '127.0.0.1', '-p', String(this.port), ...(this.configFile ? ['-c', this.configFile] : [])];
    const child = spawn(BINARY, args, {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the process (an outage); the port stays reserved for `resume`. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the process and removes its config file. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.configFile) rmSync(join(this.configFile, '..'), { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}
