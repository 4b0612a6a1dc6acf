import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecRequest } from '../../src/infra/docker/docker.port.js';
import { wrapInTimeout } from '../../src/infra/docker/impl/dockerode-exec.js';
import { startMeter } from './measure.js';

/** What a closed loop over a list of execs measured. */
export interface LoopResult {
  actions: number;
  failed: number;
  wallMs: number;
  /** this process's CPU */
  cpuMs: number;
  /** CPU of reaped child processes (the `docker` CLI) */
  childCpuMs: number;
  engineCpuMs: number;
}

/** Runs `one` over `requests` with `concurrency` workers; rc ≠ 0 counts as failed. */
export async function closedLoop(
  requests: readonly ExecRequest[],
  concurrency: number,
  one: (req: ExecRequest) => Promise<number>,
  opts: { engine?: boolean } = {},
): Promise<LoopResult> {
  let next = 0;
  let failed = 0;
  const meter = startMeter(opts);
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      if ((await one(requests[i]!)) !== 0) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const m = meter.read();
  return { actions: requests.length, failed, wallMs: m.wallMs, cpuMs: m.cpuMs, childCpuMs: m.childCpuMs, engineCpuMs: m.engineCpuMs };
}

/** The argv the daemon's port really sends (it wraps argv in `timeout -s KILL`). */
export function wireArgv(req: ExecRequest, defaultTimeoutMs = 8000): string[] {
  return wrapInTimeout(req.argv, req.timeoutMs ?? defaultTimeoutMs);
}

function stdinOf(req: ExecRequest): Buffer | undefined {
  if (req.stdin === undefined) return undefined;
  return typeof req.stdin === 'string' ? Buffer.from(req.stdin) : Buffer.from(req.stdin);
}

/**
 * The minimal raw dockerode exec: create, start hijacked, write stdin, read to the end, inspect
 * once. No timeout, no cap, no demux: the floor any dockerode-based client pays.
 */
export async function rawDockerodeExec(docker: Docker, req: ExecRequest): Promise<number> {
  const stdin = stdinOf(req);
  const exec = await docker.getContainer(req.container).exec({
    Cmd: wireArgv(req),
    AttachStdin: stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: stdin !== undefined })) as Duplex;
  await new Promise<void>((resolve) => {
    stream.on('data', () => undefined);
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
    if (stdin !== undefined) stream.end(stdin);
  });
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One `docker exec [-i] <container> argv…` process, stdin piped; resolves its exit code. */
export function cliExec(req: ExecRequest, dockerHost?: string): Promise<number> {
  const stdin = stdinOf(req);
  const args = ['exec', ...(stdin ? ['-i'] : []), req.container, ...wireArgv(req)];
  return new Promise((resolve) => {
    const child = spawn('docker', args, {
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: dockerHost ? { ...process.env, DOCKER_HOST: dockerHost } : process.env,
    });
    child.stdout?.resume();
    child.stderr?.resume();
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 125));
    if (stdin) child.stdin?.end(stdin);
  });
}
