import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time this process spent so far (user + system), in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let clockTicks: number | undefined;

// /proc times are in clock ticks (USER_HZ), almost always 100
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

// utime, stime, cutime, cstime of one /proc/<pid>/stat (fields 14-17, after the `(comm)`)
function procTimes(pid: number | 'self'): { comm: string; own: number; children: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const comm = text.slice(open + 1, close);
  const f = text.slice(close + 2).split(' ');
  const n = (i: number) => Number(f[i] ?? 0);
  // f[0] is field 3 (state): utime is field 14 → f[11]
  const hz = ticksPerSecond();
  return { comm, own: ((n(11) + n(12)) * 1000) / hz, children: ((n(13) + n(14)) * 1000) / hz };
}

/** CPU ms of this process's reaped children (the `docker` CLI processes of a subprocess loop). */
export function childrenCpuMs(): number {
  return procTimes('self')?.children ?? 0;
}

/** CPU ms of one process (by pid), its reaped children included; 0 when it is gone. */
export function pidCpuMs(pid: number): number {
  const t = procTimes(pid);
  return t ? t.own + t.children : 0;
}

const ENGINE = /^(dockerd|containerd|containerd-shim.*|runc|docker-proxy)$/;

/**
 * CPU ms spent so far by the Docker engine's processes (dockerd, containerd, shims and the runc
 * runs they reaped). Only a difference of two readings means anything.
 */
export function engineCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const t = procTimes(Number(entry));
    if (t && ENGINE.test(t.comm)) total += t.own + t.children;
  }
  return total;
}

/** JS-reachable memory (V8 heap in use plus external buffers) in MiB: steadier than RSS for per-actor deltas. */
export function heapMb(): number {
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / (1024 * 1024);
}

/** Resident set size of this process in MiB. */
export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/** The p-th percentile (0..100) of `values` (nearest rank); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)]!;
}

/** A window of wall time and CPU: start it, run, then read what it saw. */
export interface Meter {
  /** wall ms, own CPU ms, reaped-children CPU ms and engine CPU ms since the start */
  read(): { wallMs: number; cpuMs: number; childCpuMs: number; engineCpuMs: number };
}

/** Starts a meter; `engine` also samples the Docker engine's processes (a /proc scan). */
export function startMeter(opts: { engine?: boolean } = {}): Meter {
  const t0 = performance.now();
  const c0 = selfCpuMs();
  const k0 = childrenCpuMs();
  const e0 = opts.engine ? engineCpuMs() : 0;
  return {
    read: () => ({
      wallMs: performance.now() - t0,
      cpuMs: selfCpuMs() - c0,
      childCpuMs: childrenCpuMs() - k0,
      engineCpuMs: opts.engine ? engineCpuMs() - e0 : 0,
    }),
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Forces a full GC when node runs with --expose-gc; a no-op otherwise. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}
