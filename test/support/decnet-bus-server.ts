import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { frameBytes, splitFrames, type WireFrame } from './decnet-bus-wire.js';

/** A frame the server read, with the connection it came on (its number and HELLO name). */
export interface RecordedFrame extends WireFrame {
  conn: number;
  name: string;
}

/** Bytes a hostile or broken bus could send a client. */
export type MalformedKind = 'oversized-length' | 'long-header' | 'bad-json' | 'not-object' | 'unknown-verb' | 'stall';

interface Conn {
  n: number;
  socket: Socket;
  name: string;
  patterns: Set<string>;
  queue: Buffer[];
}

const VERBS = new Set(['HELLO', 'SUB', 'UNSUB', 'PUB', 'EVT', 'BYE']);

/** NATS-style matching as DECNET's server does it: `*` one token, `>` one or more. */
export function matches(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i < t.length;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i]) || t[i] === '') return false;
  }
  return p.length === t.length;
}

/**
 * A DECNET bus server for tests, built from COMPAT §3: HELLO/SUB/UNSUB/PUB/EVT/BYE; a PUB keeps
 * only its type and payload and goes out as an EVT with a new id and ts to every other matching
 * connection (no echo); each connection's outbound queue holds `queueMax` frames, dropping the
 * oldest. Hooks: every frame read is recorded, the server restarts on the same path, and
 * malformed bytes can be sent to clients.
 */
export class DecnetBusServer {
  readonly frames: RecordedFrame[] = [];
  /** EVT frames dropped from full per-connection queues */
  queueDrops = 0;
  private server: Server | undefined;
  private readonly conns = new Set<Conn>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  private constructor(
    readonly path: string,
    private readonly queueMax: number,
  ) {}

  /** Listens on `path` (a stale socket file is removed first). */
  static async start(path: string, opts: { queueMax?: number } = {}): Promise<DecnetBusServer> {
    const s = new DecnetBusServer(path, opts.queueMax ?? 1024);
    await s.listen();
    return s;
  }

  /** Listens again after `stop`. */
  async listen(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.path, resolve));
    this.server = server;
  }

  /** Stops listening and drops every connection, as a bus that went away. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }

  /** Stop, then listen on the same path. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  /** Connections now open, with their HELLO names. */
  connectionNames(): string[] {
    return [...this.conns].map((c) => c.name);
  }

  /** Resolves with the first recorded frame from index `since` on that satisfies `ok`. */
  waitFor(ok: (f: RecordedFrame) => boolean, since = 0, timeoutMs = 3000): Promise<RecordedFrame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.frames.slice(since).find(ok);
        if (!hit) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; saw ${this.frames
              .slice(since)
              .map((f) => `${f.name}:${f.verb} ${f.arg}`)
              .join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** A server-side publish (DECNET's `system.bus.health` comes this way). */
  publish(topic: string, type: string, payload: Record<string, unknown>): void {
    this.fanout(topic, type, payload, undefined);
  }

  /** Writes malformed bytes to every connection whose HELLO name is `name`; `twice` repeats them. */
  inject(kind: MalformedKind, name: string, twice = false): void {
    const bytes: Record<MalformedKind, () => Buffer> = {
      'oversized-length': () => Buffer.concat([Buffer.from('EVT system.x.health\n'), Buffer.from([0xff, 0xff, 0xff, 0xf0])]),
      'long-header': () => Buffer.alloc(5000, 'A'),
      'bad-json': () => frameBytes('EVT', 'system.x.health', Buffer.from('{"v":1,"payload":')),
      'not-object': () => frameBytes('EVT', 'system.x.health', Buffer.from('[1,2,3]')),
      'unknown-verb': () => frameBytes('WHAT', 'system.x.health'),
      // a header and a length promising 100 bytes, then only 10 of them
      stall: () => frameBytes('EVT', 'system.x.health', Buffer.alloc(100, 0x20)).subarray(0, 20 + 4 + 10),
    };
    for (const c of this.conns) {
      if (c.name !== name) continue;
      c.socket.write(bytes[kind]());
      if (twice) c.socket.write(bytes[kind]());
    }
  }

  private accept(socket: Socket): void {
    const c: Conn = { n: ++this.seq, socket, name: '<unknown>', patterns: new Set(), queue: [] };
    this.conns.add(c);
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      try {
        const { frames, rest } = splitFrames(Buffer.concat([buf, chunk]));
        buf = rest;
        for (const f of frames) this.dispatch(c, f);
      } catch {
        // a protocol error ends the connection, as DECNET's server does
        socket.destroy();
      }
    });
    socket.on('drain', () => this.pump(c));
    socket.on('error', () => {});
    socket.on('close', () => this.conns.delete(c));
  }

  private dispatch(c: Conn, f: WireFrame): void {
    if (!VERBS.has(f.verb) || f.verb === 'EVT') throw new Error(`unexpected verb ${f.verb}`);
    if (f.body !== null && (typeof f.body !== 'object' || Array.isArray(f.body))) throw new Error('body is not an object');
    if (f.verb === 'HELLO') c.name = f.arg || c.name;
    this.frames.push({ ...f, conn: c.n, name: c.name });
    for (const w of [...this.waiters]) w();
    if (f.verb === 'SUB') {
      if (!f.arg) throw new Error('SUB without a pattern');
      c.patterns.add(f.arg);
    } else if (f.verb === 'UNSUB') c.patterns.delete(f.arg);
    else if (f.verb === 'PUB') {
      if (!f.arg) throw new Error('PUB without a topic');
      const body = (f.body ?? {}) as { type?: unknown; payload?: unknown };
      this.fanout(f.arg, typeof body.type === 'string' ? body.type : '', (body.payload ?? {}) as Record<string, unknown>, c);
    } else if (f.verb === 'BYE') c.socket.end();
  }

  private fanout(topic: string, type: string, payload: Record<string, unknown>, origin: Conn | undefined): void {
    const frame = frameBytes('EVT', topic, { v: 1, id: randomUUID().replace(/-/g, ''), topic, type, ts: Date.now() / 1000, payload });
    for (const c of this.conns) {
      if (c === origin || ![...c.patterns].some((p) => matches(p, topic))) continue;
      c.queue.push(frame);
      while (c.queue.length > this.queueMax) {
        c.queue.shift();
        this.queueDrops += 1;
      }
      this.pump(c);
    }
  }

  private pump(c: Conn): void {
    while (c.queue.length > 0 && !c.socket.destroyed && c.socket.writableLength < 64 * 1024) c.socket.write(c.queue.shift()!);
  }
}
