import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from '../../support/run-cli.js';

/** One pino JSON line of the daemon's stdout. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** How the daemon process ended, and when (ms since it was started). */
export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
}

/**
 * A long-running `decnet` process whose log lines are read while it runs, so a test can act
 * mid-run (signal it, kill it, break its engine or its database) and then inspect the whole run.
 */
export class DaemonProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly startedAt = performance.now();
  readonly exit: Promise<DaemonExit>;
  stdout = '';
  stderr = '';
  private partial = '';
  private waiters: Array<() => void> = [];

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      // these runs count live actions against rows; the history backfill has its own e2e test (backfill.e2e)
      env: { ...process.env, LOG_LEVEL: 'info', DECNET_NO_BACKFILL: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => this.onStdout(d.toString('utf8')));
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.wake();
        resolve({ code, signal, atMs: performance.now() - this.startedAt });
      });
    });
  }

  /** ms since start */
  now(): number {
    return performance.now() - this.startedAt;
  }

  /** True while the process has not exited. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lines with `msg === 'action'` (SPEC §8: one info line per action). */
  actions(from = 0): LogLine[] {
    return this.lines.slice(from).filter((l) => l.msg === 'action');
  }

  /** Resolves with the first line (at index ≥ `from`) matching; rejects on exit or timeout. */
  async waitFor(what: string, match: (l: LogLine) => boolean, timeoutMs: number, from = 0): Promise<LogLine> {
    const find = () => this.lines.slice(from).find(match);
    await this.until(what, () => find() !== undefined, timeoutMs);
    return find()!;
  }

  /** Resolves once `n` lines (from index `from`) match. */
  async waitForCount(what: string, match: (l: LogLine) => boolean, n: number, timeoutMs: number, from = 0): Promise<void> {
    await this.until(what, () => this.lines.slice(from).filter(match).length >= n, timeoutMs);
  }

  /** Resolves once `cond` holds (checked at every output and every 250 ms); rejects on exit or timeout. */
  async until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (cond()) return;
      if (!this.alive) throw new Error(`daemon exited before ${what}\n${this.tail()}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms\n${this.tail()}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Sends `sig` and returns the ms since start at which it was sent. */
  signal(sig: NodeJS.Signals): number {
    this.child.kill(sig);
    return this.now();
  }

  /** The exit, or an error with the last output when the process still runs after `ms`. */
  async exitWithin(ms: number): Promise<DaemonExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`daemon still running ${ms} ms later\n${this.tail()}`)), ms);
    });
    try {
      return await Promise.race([this.exit, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if it still runs (test clean-up). */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exit;
  }

  /** The last lines of output, for failure messages. */
  tail(n = 25): string {
    return `${this.stdout.split('\n').slice(-n).join('\n')}\n--- stderr ---\n${this.stderr.slice(-2000)}`;
  }

  private onStdout(text: string): void {
    this.stdout += text;
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) {
      if (!p.startsWith('{')) continue;
      try {
        this.lines.push(JSON.parse(p) as LogLine);
      } catch {
        // a torn line at a kill -9 is not a log line
      }
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
