import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Debian's openssh-server and openssh-client binaries. */
const SSHD = '/usr/sbin/sshd';
const CLIENT_TOOLS = ['ssh-keygen', 'ssh-agent', 'ssh-add'];

/** True when sshd, ssh-keygen, ssh-agent and ssh-add are installed. */
export function sshdInstalled(): boolean {
  if (!existsSync(SSHD)) return false;
  return CLIENT_TOOLS.every((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Whether ssh:// engine suites run. Under DECNET_REQUIRE_DOCKER=1 (CI) a missing sshd is an error
 * (scripts/setup.sh installs openssh-server and openssh-client), so the suite fails instead of skipping.
 */
export function requireSshdOrSkip(): boolean {
  const ok = sshdInstalled();
  if (!ok && process.env.DECNET_REQUIRE_DOCKER === '1')
    throw new Error('sshd and the ssh client tools are required but not installed (run scripts/setup.sh)');
  return ok;
}

/** A fresh key pair made by ssh-keygen, without passphrase unless one is given. */
export function makeKey(path: string, opts: { type?: string; passphrase?: string } = {}): { path: string; pub: string } {
  execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', 'decnet-test', '-f', path], {
    stdio: 'ignore',
  });
  return { path, pub: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** `SHA256:…` of a public key file, as ssh-keygen -l prints it. */
export function sshFingerprint(pubPath: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(/\s+/)[1]!;
}

/**
 * Debian's sshd on a loopback port, run as root in the foreground with its own host key, config
 * and authorized_keys file in `dir`; logs go to stderr (kept in `log`).
 */
export class SshdServer {
  log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** the host key sshd presents, and its `.pub` */
    readonly hostKey: { path: string; pub: string },
    /** the file sshd reads authorized keys from */
    readonly authorizedKeys: string,
  ) {}

  /** Starts sshd letting in root with the public keys given; resolves once it listens. */
  static async start(dir: string, authorizedPubs: string[]): Promise<SshdServer> {
    mkdirSync(dir, { recursive: true });
    mkdirSync('/run/sshd', { recursive: true });
    const hostKey = makeKey(join(dir, 'host_ed25519'));
    const authorizedKeys = join(dir, 'authorized_keys');
    writeFileSync(authorizedKeys, `${authorizedPubs.join('\n')}\n`, { mode: 0o600 });
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.path}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // the temp dir lives under /tmp (mode 1777), which StrictModes would refuse
        'StrictModes no',
        // the session runs `docker system dial-stdio`: /usr/local/bin or /usr/bin, wherever Docker's CLI is
        'SetEnv PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const server = new SshdServer(child, port, hostKey, authorizedKeys);
    child.stderr?.on('data', (d: Buffer) => {
      server.log += d.toString('utf8');
    });
    const deadline = Date.now() + 10_000;
    while (!server.log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
      if (child.exitCode !== null) throw new Error(`sshd exited: ${server.log}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`sshd did not listen within 10 s: ${server.log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return server;
  }

  /** Stops sshd (its session children end with their connections). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** A real ssh-agent in the foreground (`-D`), its socket in `dir`. */
export class SshAgent {
  private constructor(
    private readonly child: ChildProcess,
    /** the value of SSH_AUTH_SOCK */
    readonly socket: string,
  ) {}

  /** Starts the agent; resolves once its socket exists. */
  static async start(dir: string): Promise<SshAgent> {
    const socket = join(dir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!existsSync(socket)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('ssh-agent did not create its socket');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return new SshAgent(child, socket);
  }

  /** Loads a private key into the agent (ssh-add). */
  add(keyPath: string): void {
    execFileSync('ssh-add', ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: this.socket }, stdio: 'ignore' });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
