import { request } from 'node:http';

/** A response read whole. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GET (or `method`, with `body`) with the path sent byte for byte (fetch and URL would normalise
 * `/../`), so traversal attempts reach the server as an attacker would send them.
 */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One server-sent event frame. */
export interface SseFrame {
  comment?: string;
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
}

/** Reads an SSE response frame by frame. */
export interface SseReader {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  next(timeoutMs?: number): Promise<SseFrame>;
  close(): void;
}

/** Opens an event stream and parses frames as they arrive (comments are frames too). */
export function openSse(base: string, path: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      let buf = '';
      const frames: SseFrame[] = [];
      const waiters: Array<(f: SseFrame) => void> = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f = parseFrame(block);
          const w = waiters.shift();
          if (w) w(f);
          else frames.push(f);
          i = buf.indexOf('\n\n');
        }
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        next(timeoutMs = 3000) {
          const f = frames.shift();
          if (f) return Promise.resolve(f);
          return new Promise((res2, rej2) => {
            const t = setTimeout(() => rej2(new Error('no SSE frame in time')), timeoutMs);
            waiters.push((fr) => {
              clearTimeout(t);
              res2(fr);
            });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function parseFrame(block: string): SseFrame {
  const f: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) f.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) f.event = line.slice(7);
    else if (line.startsWith('id: ')) f.id = line.slice(4);
    else if (line.startsWith('retry: ')) f.retry = line.slice(7);
    else if (line.startsWith('data: ')) f.data = f.data === undefined ? line.slice(6) : `${f.data}\n${line.slice(6)}`;
  }
  return f;
}
