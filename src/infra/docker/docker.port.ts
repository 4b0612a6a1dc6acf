import type { ContainerInfo } from '../../domain/container.js';
import type { FileReadResult } from './tar-entry.js';

export type { FileReadFailure, FileReadResult } from './tar-entry.js';

/** Bounds of one file read out of a container. */
export interface FileReadOptions {
  /** wall-clock bound (default 5 s); past it the read is abandoned with reason `timeout` */
  timeoutMs?: number;
  /** abandons the read when aborted */
  signal?: AbortSignal;
}

/** One command to run inside a container; argv is never joined into a shell string. */
export interface ExecRequest {
  /** container name, e.g. `web01-ssh` */
  container: string;
  argv: readonly string[];
  /** bytes written to the process's stdin, then stdin is closed */
  stdin?: Uint8Array | string;
  /** wall-clock bound; past it the exec is abandoned and rc is 124 (default from config, 8 s) */
  timeoutMs?: number;
  /** bytes of stdout+stderr read at most; past it the exec is abandoned and `truncated` is set */
  maxOutputBytes?: number;
  /** abandons the exec when aborted (rc 125): a stopping daemon must not wait out the timeout */
  signal?: AbortSignal;
}

/**
 * Exit codes an exec reports when the process itself did not decide one (coreutils and the
 * original Python driver use the same numbers).
 */
export const ExecRc = {
  /** the wall-clock bound passed; the exec was abandoned */
  TIMEOUT: 124,
  /** engine or transport error, refused request, or output past maxOutputBytes (`truncated`) */
  ENGINE: 125,
  /** the binary or the container does not exist */
  NOT_FOUND: 127,
} as const;

/** What came back from an exec. Expected failures are results, never exceptions. */
export interface ExecResult {
  /**
   * exit code; 124 on timeout, 127 when the binary or container is missing, 125 on engine errors
   * and when output passed maxOutputBytes (then `truncated` is set)
   */
  rc: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** output passed maxOutputBytes and the exec was abandoned */
  truncated: boolean;
  durationMs: number;
}

/** A container lifecycle change from the engine's event stream. */
export interface ContainerEvent {
  /** engine action: `create`, `start`, `die`, `stop`, `destroy`, … (exec_* events are not reported) */
  action: string;
  containerId: string;
  /** container name without the leading slash, when the engine says it */
  name?: string;
  /** the container's labels */
  labels: Readonly<Record<string, string>>;
}

/** Whether an engine answered, and if not, why, in one line for an operator. */
export type EngineProbe = { ok: true } | { ok: false; reason: string };

/** The Docker engine, in domain words: exec, list, watch. One port per Docker host. */
export interface DockerPort {
  /** short name for logs: `local`, or a swarm host uuid */
  readonly hostId: string;
  /** runs argv in a container, bounded by timeout and output cap; never throws */
  exec(req: ExecRequest): Promise<ExecResult>;
  /**
   * DECNET's layout (DECNET-COMPAT §1), running or not: the service containers labelled
   * `decnet.fleet.service=true` or `decnet.topology.service=true` (and the scope label, when the
   * port has one), then the base containers they share a network with. Throws DockerError when
   * the engine fails.
   */
  listDeckyContainers(): Promise<ContainerInfo[]>;
  /**
   * subscribes to lifecycle events of service containers and of the bases the last list found;
   * returns the unsubscribe
   */
  watchEvents(onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void;
  /**
   * reads one regular file out of a container without running anything in it (the Engine API's
   * archive download): at most `maxBytes` of content, a bounded tar, links and non-files refused;
   * never throws
   */
  readFile(container: string, path: string, maxBytes: number, opts?: FileReadOptions): Promise<FileReadResult>;
  /** true when the engine answers; never throws */
  ping(): Promise<boolean>;
  /**
   * ping with the reason when the engine cannot be reached (an ssh:// engine's refused host key
   * or login, one line naming the host); never throws. Ports without it only have ping.
   */
  diagnose?(): Promise<EngineProbe>;
  /** releases pooled connections; the port must not be used afterwards */
  close?(): void;
}
