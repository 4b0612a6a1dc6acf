import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { epochMs } from '../lib/measure.js';

/** A container the fake engine reports and accepts execs into. */
export interface EngineContainer {
  name: string;
  labels: Record<string, string>;
  /** its address on the `bench` network; a container sharing another's network has none */
  ip?: string;
  /** the name of the container whose network it shares (`NetworkMode: container:<id>`), as DECNET's services do */
  netnsOf?: string;
}

/** One exec as the engine saw it: created, then started (epoch ms, comparable across processes). */
export interface EngineExecLog {
  container: string;
  createdAt: number;
  startedAt: number;
}

/** Counters of the fake engine, and its own CPU so the caller can leave it out. */
export interface EngineStats {
  requests: number;
  creates: number;
  starts: number;
  inspects: number;
  stdinBytes: number;
  cpuMs: number;
}

/** A Docker Engine API server on a unix socket that answers every exec at once. */
export interface FakeEngine {
  socketPath: string;
  stats(): EngineStats;
  /** execs seen since the last reset (only when started with `log: true`) */
  log(): EngineExecLog[];
  reset(): void;
  close(): Promise<void>;
}

interface ExecRecord {
  id: string;
  container: string;
  cmd: string[];
  stdin: boolean;
  createdAt: number;
  exitCode: number | null;
}

const BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';
const PATH = /^(?:\/v[0-9.]+)?(\/.*)$/;

/**
 * Starts the fake engine. It speaks the HTTP API dockerode uses (`/_ping`, `/containers/json`,
 * `/events`, `POST /containers/{id}/exec`, `POST /exec/{id}/start` upgraded to a raw multiplexed
 * stream, `GET /exec/{id}/json`), so the whole client path runs. The traffic probe answers an SSH
 * banner, the file and delivery scripts read stdin to its end; any other argv answers rc 127
 * `not implemented: exec <argv0>`, so nothing passes by accident. `/_bench/*` serves its counters.
 */
export async function startFakeEngine(opts: { socketPath: string; containers: EngineContainer[]; log?: boolean }): Promise<FakeEngine> {
  const byName = new Map(opts.containers.map((c) => [c.name, c]));
  const execs = new Map<string, ExecRecord>();
  const stats = { requests: 0, creates: 0, starts: 0, inspects: 0, stdinBytes: 0 };
  let log: EngineExecLog[] = [];
  const cpu0 = process.cpuUsage();
  const streams = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    stats.requests += 1;
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => route(req, res, Buffer.concat(body)));
  });

  function route(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = PATH.exec(url.pathname)?.[1] ?? url.pathname;
    if (req.method === 'GET' && path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (req.method === 'GET' && path === '/containers/json') {
      json(res, 200, listContainers(url));
      return;
    }
    if (req.method === 'GET' && path === '/events') {
      // the stream stays open and quiet: nothing changes on a fake engine
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    let m = /^\/containers\/([^/]+)\/exec$/.exec(path);
    if (req.method === 'POST' && m) {
      createExec(res, decodeURIComponent(m[1]!), body);
      return;
    }
    m = /^\/exec\/([^/]+)\/json$/.exec(path);
    if (req.method === 'GET' && m) {
      inspectExec(res, m[1]!);
      return;
    }
    if (req.method === 'GET' && path === '/_bench/stats') {
      json(res, 200, currentStats());
      return;
    }
    if (req.method === 'GET' && path === '/_bench/log') {
      json(res, 200, log);
      return;
    }
    if (req.method === 'POST' && path === '/_bench/reset') {
      reset();
      json(res, 200, {});
      return;
    }
    json(res, 404, { message: `not implemented: ${req.method} ${path}` });
  }

  const indexOf = new Map(opts.containers.map((c, i) => [c.name, i]));

  // label filters as the engine applies them (every one must match); none lists every container
  function listContainers(url: URL): unknown[] {
    const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] };
    const wanted = (filters.label ?? []).map((l) => l.split('='));
    return opts.containers
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => wanted.every(([k, v]) => k! in c.labels && (v === undefined || c.labels[k!] === v)))
      .map(({ c, i }) => {
        const shared = c.netnsOf === undefined ? undefined : indexOf.get(c.netnsOf);
        return {
          Id: idOf(i),
          Names: [`/${c.name}`],
          Image: 'decnet-decky:bookworm',
          State: 'running',
          Status: 'Up 2 hours',
          Labels: c.labels,
          HostConfig: { NetworkMode: shared === undefined ? 'bench' : `container:${idOf(shared)}` },
          NetworkSettings: { Networks: c.ip ? { bench: { IPAddress: c.ip } } : {} },
        };
      });
  }

  function createExec(res: ServerResponse, container: string, body: Buffer): void {
    if (!byName.has(container)) {
      json(res, 404, { message: `No such container: ${container}` });
      return;
    }
    const cfg = JSON.parse(body.toString('utf8') || '{}') as { Cmd?: string[]; AttachStdin?: boolean };
    const id = randomBytes(32).toString('hex');
    execs.set(id, { id, container, cmd: cfg.Cmd ?? [], stdin: cfg.AttachStdin === true, createdAt: epochMs(), exitCode: null });
    stats.creates += 1;
    json(res, 201, { Id: id });
  }

  function inspectExec(res: ServerResponse, id: string): void {
    const e = execs.get(id);
    if (!e) {
      json(res, 404, { message: `No such exec instance: ${id}` });
      return;
    }
    stats.inspects += 1;
    json(res, 200, {
      ID: id,
      Running: false,
      ExitCode: e.exitCode,
      Pid: e.exitCode === null ? 0 : 4242,
      OpenStdin: e.stdin,
      ContainerID: e.container,
    });
    // the exec is done with once its exit code was read
    if (e.exitCode !== null) execs.delete(id);
  }

  // POST /exec/{id}/start with `Upgrade: tcp`: consume the JSON body, answer 101, then the stream
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    stats.requests += 1;
    const path = PATH.exec(new URL(req.url ?? '/', 'http://engine').pathname)?.[1] ?? '';
    const e = execs.get(/^\/exec\/([^/]+)\/start$/.exec(path)?.[1] ?? '');
    if (!e) {
      const msg = JSON.stringify({ message: 'No such exec instance' });
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`);
      return;
    }
    stats.starts += 1;
    const startedAt = epochMs();
    if (opts.log) log.push({ container: e.container, createdAt: e.createdAt, startedAt });
    let bodyLeft = Number(req.headers['content-length'] ?? 0);
    let upgraded = false;
    const answer = () => {
      const [out, err, rc] = run(e.cmd);
      e.exitCode = rc;
      const frames: Buffer[] = [];
      if (out) frames.push(frame(1, out));
      if (err) frames.push(frame(2, err));
      socket.end(Buffer.concat(frames));
    };
    const onData = (chunk: Buffer) => {
      let rest = chunk;
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, rest.length);
        bodyLeft -= take;
        rest = rest.subarray(take);
      }
      if (bodyLeft === 0 && !upgraded) {
        upgraded = true;
        socket.write(
          'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
        );
        if (!e.stdin) answer();
      }
      if (upgraded) stats.stdinBytes += rest.length;
    };
    socket.on('data', onData);
    // the client half-closes after writing stdin: the process read it all and exits
    socket.on('end', () => {
      if (e.stdin && upgraded) answer();
    });
    socket.on('error', () => undefined);
    onData(head);
  });

  function currentStats(): EngineStats {
    const u = process.cpuUsage(cpu0);
    return { ...stats, cpuMs: (u.user + u.system) / 1000 };
  }

  function reset(): void {
    log = [];
    stats.requests = 0;
    stats.creates = 0;
    stats.starts = 0;
    stats.inspects = 0;
    stats.stdinBytes = 0;
  }

  rmSync(opts.socketPath, { force: true });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => resolve());
  });
  return {
    socketPath: opts.socketPath,
    stats: currentStats,
    log: () => log,
    reset,
    close: async () => {
      for (const s of streams) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(opts.socketPath, { force: true });
    },
  };
}

/** What a command prints and exits with on the fake engine: [stdout, stderr, rc]. */
export function run(cmd: readonly string[]): [string, string, number] {
  // the port wraps argv in `timeout -s KILL <s>`: look past it
  const argv = cmd[0] === 'timeout' ? cmd.slice(4) : cmd;
  if (argv[0] === 'python3' && argv[1] === '-c') return [BANNER, '', 0];
  if (argv[0] === 'sh' && argv[1] === '-c') return argv[2]?.includes('delivered') ? ['delivered\n', '', 0] : ['', '', 0];
  if (argv[0] === 'true') return ['', '', 0];
  return ['', `not implemented: exec ${argv[0] ?? ''}\n`, 127];
}

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function idOf(i: number): string {
  return i.toString(16).padStart(64, '0');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
