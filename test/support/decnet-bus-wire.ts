import { createConnection, type Socket } from 'node:net';

// The wire of DECNET's bus (COMPAT §3), written for the tests apart from src's codec so that the
// two check each other: `VERB[ arg]\n`, a 4-byte big-endian length, then a JSON object or nothing.

/** A frame as the test side reads it; `body` is the parsed JSON, or null for an empty body. */
export interface WireFrame {
  verb: string;
  arg: string;
  body: unknown;
}

/** Bytes of one frame; `body` may be a ready Buffer to send something that is not JSON. */
export function frameBytes(verb: string, arg = '', body?: unknown): Buffer {
  const head = Buffer.from(arg ? `${verb} ${arg}\n` : `${verb}\n`, 'ascii');
  const data = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([head, len, data]);
}

/** Splits complete frames off the front of `buf`; returns them and the rest. Throws on anything DECNET would refuse. */
export function splitFrames(buf: Buffer): { frames: WireFrame[]; rest: Buffer } {
  const frames: WireFrame[] = [];
  let rest = buf;
  for (;;) {
    const nl = rest.indexOf(0x0a);
    if (nl < 0) {
      if (rest.length > 4096) throw new Error('header over 4096 bytes');
      break;
    }
    if (nl + 1 > 4096) throw new Error('header over 4096 bytes');
    if (rest.length < nl + 5) break;
    const n = rest.readUInt32BE(nl + 1);
    if (n > 1024 * 1024) throw new Error('body over 1 MiB');
    if (rest.length < nl + 5 + n) break;
    const line = rest.subarray(0, nl).toString('ascii').replace(/\r$/, '');
    const space = line.indexOf(' ');
    const body = rest.subarray(nl + 5, nl + 5 + n);
    frames.push({
      verb: space < 0 ? line : line.slice(0, space),
      arg: space < 0 ? '' : line.slice(space + 1).trim(),
      body: n === 0 ? null : JSON.parse(body.toString('utf8')),
    });
    rest = rest.subarray(nl + 5 + n);
  }
  return { frames, rest };
}

/** A bare protocol peer: what another DECNET process (the API, a webhook worker) would be. */
export interface RawBusClient {
  send(verb: string, arg?: string, body?: unknown): void;
  /** EVT frames received so far */
  readonly events: WireFrame[];
  /** resolves with the first EVT (already received or next) that satisfies `ok` */
  nextEvent(ok?: (f: WireFrame) => boolean, timeoutMs?: number): Promise<WireFrame>;
  close(): Promise<void>;
}

/** Connects to the bus at `path`, says HELLO `name`, and subscribes to `patterns`. */
export async function rawBusClient(path: string, name: string, patterns: string[] = []): Promise<RawBusClient> {
  const socket: Socket = createConnection({ path });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const events: WireFrame[] = [];
  const waiters = new Set<() => void>();
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = splitFrames(Buffer.concat([buf, chunk]));
    buf = rest;
    for (const f of frames) if (f.verb === 'EVT') events.push(f);
    for (const w of [...waiters]) w();
  });
  const send = (verb: string, arg?: string, body?: unknown) => socket.write(frameBytes(verb, arg, body));
  send('HELLO', name);
  for (const p of patterns) send('SUB', p);
  return {
    send,
    events,
    nextEvent(ok = () => true, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(ok);
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching EVT within ${timeoutMs} ms (got ${events.map((e) => e.arg).join(', ') || 'none'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.closed) return resolve();
        socket.once('close', () => resolve());
        socket.end(frameBytes('BYE'));
      }),
  };
}
