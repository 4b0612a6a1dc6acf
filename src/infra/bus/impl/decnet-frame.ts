/** Longest header line DECNET's bus accepts, newline included. */
const MAX_HEADER_BYTES = 4096;
/** Largest frame body DECNET's bus accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The verbs of DECNET's unix-socket bus (COMPAT §3). */
const VERBS = ['HELLO', 'SUB', 'UNSUB', 'PUB', 'EVT', 'BYE'] as const;
export type Verb = (typeof VERBS)[number];

/** One decoded frame: the verb, the rest of the header line (trimmed) and the raw body. */
export interface Frame {
  verb: Verb;
  arg: string;
  body: Buffer;
}

/** What was wrong with bytes that are not a frame; the connection that sent them is dropped. */
type FrameProblem = 'header-too-long' | 'bad-header' | 'unknown-verb' | 'body-too-large' | 'bad-json' | 'not-object';

/** A malformed frame; `sample` is a short sanitized prefix of the offending bytes, never more. */
export class FrameError extends Error {
  readonly code = 'BUS_FRAME_INVALID';
  constructor(
    readonly problem: FrameProblem,
    readonly sample: string,
  ) {
    super(`${problem}${sample ? ` (${JSON.stringify(sample)})` : ''}`);
  }
}

const VERB_SET: ReadonlySet<string> = new Set(VERBS);
const LF = 0x0a;

/** Encodes a frame; throws FrameError for an arg that is not one printable ASCII line or a body over 1 MiB. */
export function encodeFrame(verb: Verb, arg = '', body?: object): Buffer {
  if (!/^[\x20-\x7e]*$/.test(arg)) throw new FrameError('bad-header', sanitize(Buffer.from(arg)));
  const header = Buffer.from(`${`${verb} ${arg}`.trimEnd()}\n`, 'ascii');
  if (header.length > MAX_HEADER_BYTES) throw new FrameError('header-too-long', sanitize(header));
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8');
  if (payload.length > MAX_BODY_BYTES) throw new FrameError('body-too-large', `${payload.length} bytes`);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, length, payload]);
}

/** Parses a frame body: empty → `{}`, else it must be a JSON object (DECNET's rule). */
export function decodeBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new FrameError('bad-json', sanitize(body));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FrameError('not-object', sanitize(body));
  return value as Record<string, unknown>;
}

/** An incremental frame reader whose buffering never exceeds one header line or one body. */
export interface FrameDecoder {
  /** feeds bytes; calls `onFrame` for each complete frame; throws FrameError at the first malformed byte */
  push(chunk: Buffer, onFrame: (f: Frame) => void): void;
  /** true while a frame has started but not completed */
  readonly midFrame: boolean;
  /** bytes held for the frame in progress */
  readonly bufferedBytes: number;
}

/** Creates a decoder for one connection. */
export function createFrameDecoder(): FrameDecoder {
  let phase: 'header' | 'length' | 'body' = 'header';
  let header: Buffer[] = [];
  let headerBytes = 0;
  let lengthBytes = Buffer.alloc(0);
  let verb: Verb = 'BYE';
  let arg = '';
  let body = Buffer.alloc(0);
  let filled = 0;

  const finishHeader = (line: Buffer): void => {
    const text = line
      .subarray(0, line.length - 1)
      .toString('latin1')
      .replace(/\r$/, '');
    if (text.length === 0 || !/^[\x20-\x7e]*$/.test(text)) throw new FrameError('bad-header', sanitize(line));
    const space = text.indexOf(' ');
    const v = space < 0 ? text : text.slice(0, space);
    if (!VERB_SET.has(v)) throw new FrameError('unknown-verb', sanitize(Buffer.from(v)));
    verb = v as Verb;
    arg = space < 0 ? '' : text.slice(space + 1).trim();
    phase = 'length';
    lengthBytes = Buffer.alloc(0);
  };

  return {
    push(chunk, onFrame) {
      let at = 0;
      while (at < chunk.length) {
        if (phase === 'header') {
          const nl = chunk.indexOf(LF, at);
          const end = nl < 0 ? chunk.length : nl + 1;
          // refuse as soon as the line is too long: a peer without newlines must not grow the buffer
          if (headerBytes + (end - at) > MAX_HEADER_BYTES) {
            throw new FrameError('header-too-long', sanitize(Buffer.concat([...header, chunk.subarray(at, end)])));
          }
          header.push(chunk.subarray(at, end));
          headerBytes += end - at;
          at = end;
          if (nl < 0) break;
          const line = Buffer.concat(header);
          header = [];
          headerBytes = 0;
          finishHeader(line);
        } else if (phase === 'length') {
          const take = Math.min(4 - lengthBytes.length, chunk.length - at);
          lengthBytes = Buffer.concat([lengthBytes, chunk.subarray(at, at + take)]);
          at += take;
          if (lengthBytes.length < 4) break;
          const n = lengthBytes.readUInt32BE(0);
          if (n > MAX_BODY_BYTES) throw new FrameError('body-too-large', `${n} bytes`);
          body = Buffer.alloc(n);
          filled = 0;
          phase = 'body';
        }
        if (phase === 'body') {
          const take = Math.min(body.length - filled, chunk.length - at);
          chunk.copy(body, filled, at, at + take);
          filled += take;
          at += take;
          if (filled < body.length) break;
          const frame: Frame = { verb, arg, body };
          phase = 'header';
          body = Buffer.alloc(0);
          onFrame(frame);
        }
      }
    },
    get midFrame() {
      return phase !== 'header' || headerBytes > 0;
    },
    get bufferedBytes() {
      return headerBytes + lengthBytes.length + (phase === 'body' ? body.length : 0);
    },
  };
}

/** Up to `max` bytes as printable ASCII (anything else becomes `?`), for a log line. */
function sanitize(bytes: Buffer, max = 32): string {
  const head = bytes.subarray(0, max);
  let out = '';
  for (const b of head) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?';
  return bytes.length > max ? `${out}…` : out;
}
