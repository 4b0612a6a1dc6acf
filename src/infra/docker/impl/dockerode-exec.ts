import type { Duplex } from 'node:stream';
import { isContainerName } from '../container-name.js';
import { type ExecRequest, type ExecResult, ExecRc } from '../docker.port.js';
import { FrameDemux } from '../frame-demux.js';
import type { ExecTransport } from './exec-transport.js';
import { errText } from '../../../domain/err-text.js';

/** What one exec needs from the port that runs it. */
interface ExecDeps {
  /** the engine's three exec calls (create, start, inspect) */
  transport: ExecTransport;
  defaultTimeoutMs: number;
  maxOutputBytes: number;
  /** wrap argv in coreutils `timeout -s KILL` so the process dies inside the container too */
  killInContainer: boolean;
}

type Outcome = { rc: number; timedOut?: boolean; truncated?: boolean; note?: string };

// the engine answers a missing binary with 126 and this text (runc), before any process starts.
const MISSING_BINARY = /executable file not found|no such file or directory/i;

/**
 * Runs one exec and never throws: the wall clock and the output cap are enforced on this side
 * (the decky is attacker-controlled and may hang or flood), every failure becomes an ExecResult.
 */
export function runExec(deps: ExecDeps, req: ExecRequest): Promise<ExecResult> {
  const t0 = performance.now();
  const timeoutMs = req.timeoutMs ?? deps.defaultTimeoutMs;
  const demux = new FrameDemux(req.maxOutputBytes ?? deps.maxOutputBytes);
  const refusal = refuse(req);
  if (refusal) return Promise.resolve(result(t0, demux, { rc: ExecRc.ENGINE, note: refusal }));
  if (req.signal?.aborted) return Promise.resolve(result(t0, demux, { rc: ExecRc.ENGINE, note: 'aborted before start' }));

  const stdin = toBuffer(req.stdin);
  const argv = deps.killInContainer ? wrapInTimeout(req.argv, timeoutMs) : [...req.argv];
  const abort = new AbortController();
  let sock: Duplex | undefined;
  let done = false;

  return new Promise<ExecResult>((resolve) => {
    const onAbort = (): void => finish({ rc: ExecRc.ENGINE, note: 'aborted: the caller abandoned the exec' }, true);
    // `cancel`: a call may still be pending (timeout, caller abort). An exec that ran its course
    // has none, and aborting builds a DOMException with a stack: a tenth of an exec's CPU.
    const finish = (o: Outcome, cancel = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      sock?.destroy();
      if (cancel) abort.abort();
      resolve(result(t0, demux, o));
    };
    const timer = setTimeout(
      () => finish({ rc: ExecRc.TIMEOUT, timedOut: true, note: `timed out after ${timeoutMs} ms` }, true),
      timeoutMs,
    );
    // the socket and the timer would keep a stopping process alive until the timeout
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const drive = async (): Promise<Outcome> => {
      let id: string;
      try {
        const config = { Cmd: argv, AttachStdin: stdin !== undefined, AttachStdout: true, AttachStderr: true, Tty: false } as const;
        id = await deps.transport.create(req.container, config, abort.signal);
      } catch (err) {
        return createFailure(err, req.container);
      }
      const s = await deps.transport.start(id, stdin !== undefined, abort.signal);
      sock = s;
      if (done) return { rc: ExecRc.ENGINE };
      const ended = await pump(s, demux, stdin);
      if (ended === 'overflow') {
        return { rc: ExecRc.ENGINE, truncated: true, note: 'output exceeded the cap; exec abandoned' };
      }
      return exitOf(deps.transport, id, abort.signal, demux);
    };
    drive().then(finish, (err: unknown) => finish({ rc: ExecRc.ENGINE, note: errorText(err) }));
  });
}

// reads the attach stream to its end (or past the cap); stdin is written, then half-closed.
function pump(s: Duplex, demux: FrameDemux, stdin: Buffer | undefined): Promise<'end' | 'overflow'> {
  return new Promise((resolve) => {
    s.on('data', (chunk: Buffer) => {
      if (!demux.push(chunk)) resolve('overflow');
    });
    // a process that exits without reading stdin resets the socket: still an ended exec
    s.on('error', () => resolve('end'));
    s.once('end', () => resolve('end'));
    s.once('close', () => resolve('end'));
    if (stdin !== undefined) s.end(stdin);
  });
}

// the stream can end a moment before the engine records the exit code: poll briefly.
async function exitOf(transport: ExecTransport, id: string, signal: AbortSignal, demux: FrameDemux): Promise<Outcome> {
  for (let i = 0; ; i++) {
    const info = await transport.inspect(id, signal);
    if (!info.Running && info.ExitCode !== null) {
      const neverStarted = info.Pid === 0 && info.ExitCode === 126;
      if (neverStarted && MISSING_BINARY.test(demux.stdout().toString() + demux.stderr().toString())) {
        return { rc: ExecRc.NOT_FOUND };
      }
      return { rc: info.ExitCode };
    }
    await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** i, 50)));
  }
}

function createFailure(err: unknown, container: string): Outcome {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404) return { rc: ExecRc.NOT_FOUND, note: `no such container: ${container}` };
  if (status === 409) return { rc: ExecRc.ENGINE, note: `container not running: ${container}` };
  return { rc: ExecRc.ENGINE, note: errorText(err) };
}

function refuse(req: ExecRequest): string | undefined {
  if (!isContainerName(req.container)) return 'refused: invalid container name';
  if (req.argv.length === 0) return 'refused: empty argv';
  if (req.argv.some((a) => typeof a !== 'string' || a.includes('\0'))) return 'refused: NUL in argv';
  return undefined;
}

/** Prefixes argv with `timeout -s KILL <s>`, one second past the client-side bound. */
export function wrapInTimeout(argv: readonly string[], timeoutMs: number): string[] {
  return ['timeout', '-s', 'KILL', String(Math.ceil(timeoutMs / 1000) + 1), ...argv];
}

function toBuffer(stdin: ExecRequest['stdin']): Buffer | undefined {
  if (stdin === undefined) return undefined;
  if (typeof stdin === 'string') return Buffer.from(stdin, 'utf8');
  return Buffer.from(stdin.buffer, stdin.byteOffset, stdin.byteLength);
}

function errorText(err: unknown): string {
  const msg = errText(err);
  return msg.trim().slice(0, 512);
}

function result(t0: number, demux: FrameDemux, o: Outcome): ExecResult {
  let stdout = demux.stdout().toString('utf8');
  let stderr = demux.stderr().toString('utf8');
  // runc's "executable file not found" arrives on the stdout channel; it is an error message
  if (o.rc === ExecRc.NOT_FOUND && stderr === '' && stdout.startsWith('OCI runtime exec failed')) {
    stderr = stdout;
    stdout = '';
  }
  if (o.note) stderr = stderr === '' ? o.note : `${stderr.replace(/\n?$/, '\n')}${o.note}`;
  return {
    rc: o.rc,
    stdout,
    stderr,
    timedOut: o.timedOut ?? false,
    truncated: o.truncated ?? false,
    durationMs: Math.round(performance.now() - t0),
  };
}
