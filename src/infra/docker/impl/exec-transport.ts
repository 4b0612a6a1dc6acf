import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';

/** What an exec is created with (the Engine API's ExecConfig, as far as we use it). */
export interface ExecConfig {
  Cmd: string[];
  AttachStdin: boolean;
  AttachStdout: true;
  AttachStderr: true;
  Tty: false;
}

/** What the engine says of an exec after its stream ended. */
export interface ExecState {
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
}

/**
 * The three engine calls of one exec. Failures reject with an Error carrying the HTTP
 * `statusCode` when the engine answered one (404 no such container, 409 not running).
 */
export interface ExecTransport {
  /** POST /containers/{name}/exec → the exec id */
  create(container: string, config: ExecConfig, signal: AbortSignal): Promise<string>;
  /** POST /exec/{id}/start, upgraded: the raw multiplexed stream (stdin half-closed by the caller) */
  start(id: string, stdin: boolean, signal: AbortSignal): Promise<Duplex>;
  /** GET /exec/{id}/json */
  inspect(id: string, signal: AbortSignal): Promise<ExecState>;
  /** releases pooled connections */
  close(): void;
}

/** The exec calls through dockerode (for engines reached over SSH, which dockerode tunnels). */
export function dockerodeTransport(docker: Docker): ExecTransport {
  return {
    async create(container, config, signal) {
      const exec = await docker.getContainer(container).exec({ ...config, abortSignal: signal });
      return exec.id;
    },
    async start(id, stdin, signal) {
      return (await docker.getExec(id).start({ hijack: true, stdin, Detach: false, Tty: false, abortSignal: signal })) as Duplex;
    },
    async inspect(id, signal) {
      const info = await docker.getExec(id).inspect({ abortSignal: signal });
      return { Running: info.Running, ExitCode: info.ExitCode, Pid: info.Pid };
    },
    close() {},
  };
}
