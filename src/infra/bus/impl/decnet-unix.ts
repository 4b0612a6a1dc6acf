import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { errText } from '../../../domain/err-text.js';
import type { Logger } from '../../log/logger.port.js';
import type { BusPort, Envelope } from '../bus.port.js';
import type { BusStats } from '../bus-stats.js';
import { patternProblem, topicProblem } from '../topics.js';
import { decnetWireEnvelope } from './decnet-envelope.js';
import { createFrameDecoder, encodeFrame, type Verb } from './decnet-frame.js';
import { createInboundReader, type InboundConn } from './decnet-inbound.js';
import { backoffMs, createOutbox } from './decnet-outbox.js';
import { createFailureLog } from './failure-log.js';
import { createLocalFanout } from './local-fanout.js';
import { BusPatternError } from './memory.js';

/** Options of the DECNET unix-socket bus client. */
export interface DecnetUnixBusOptions {
  /** the socket `decnet bus` serves (DECNET_BUS_SOCKET) */
  socketPath: string;
  logger: Logger;
  /** name sent in HELLO (default `orchestrator`) */
  clientName?: string;
  now?: () => Date;
  /** envelope ids (default: uuid4 as 32 hex digits, as DECNET writes them) */
  newId?: () => string;
  /** first reconnect delay (default 200 ms), doubled per failed attempt up to `retryMaxMs`, jittered */
  retryBaseMs?: number;
  /** reconnect delay cap (default 10 s); a connection that lived this long resets the doubling */
  retryMaxMs?: number;
  /** jitter source in [0, 1) */
  random?: () => number;
  /** publishes held while disconnected or the socket is backed up (default 1024 frames, 8 MiB); the oldest are dropped */
  queueMax?: number;
  queueMaxBytes?: number;
  /** a frame from the server that does not complete within this long drops the connection (default 5 s) */
  stallMs?: number;
  /** at most one "publish failed" warning per window (default 10 s); every failure is counted */
  failureLogEveryMs?: number;
}

/** The DECNET bus client: a BusPort that reports its counters and must be closed. */
export interface DecnetUnixBus extends BusPort {
  stats(): BusStats;
  /** resolves when a connection is up: at once if it is, else at the next (re)connect */
  whenConnected(): Promise<void>;
  /** sends what is queued, says BYE and ends the connection */
  close(): Promise<void>;
}

// Node buffers writes without limit; past this much unsent data publishes wait in the bounded outbox
const WRITE_HIGH_WATER = 1024 * 1024;
const CLOSE_WAIT_MS = 2000;

interface Conn extends InboundConn {
  up: boolean;
  openedAt: number;
  err?: string;
}

/**
 * DECNET's own bus (`decnet bus`, COMPAT §3) over its unix socket. Unlike DECNET's client it
 * reconnects (capped, jittered backoff) and re-subscribes, holds publishes in a bounded outbox
 * while away, and treats a malformed or stalled frame as a dropped connection, never a crash.
 * Local subscribers get every local publish at once: the server does not echo to the publisher.
 */
export function createDecnetUnixBus(opts: DecnetUnixBusOptions): DecnetUnixBus {
  const log = opts.logger.child({ component: 'bus', bus: 'decnet-unix', socket: opts.socketPath });
  const now = opts.now ?? (() => new Date());
  const newId = opts.newId ?? (() => randomUUID().replace(/-/g, ''));
  const retryBase = opts.retryBaseMs ?? 200;
  const retryMax = opts.retryMaxMs ?? 10_000;
  const stallMs = opts.stallMs ?? 5000;
  const clientName = opts.clientName ?? 'orchestrator';
  const failureLogEvery = opts.failureLogEveryMs ?? 10_000;
  const local = createLocalFanout(log);
  const outbox = createOutbox(opts.queueMax ?? 1024, opts.queueMaxBytes ?? 8 * 1024 * 1024);
  const patterns = new Map<string, number>();
  const counters = { published: 0, failed: 0, dropped: 0, received: 0, rejected: 0, reconnects: 0 };
  let conn: Conn | undefined;
  let closed = false;
  let everUp = false;
  let attempt = 0;
  let outageWarned = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const upWaiters: (() => void)[] = [];

  const fail = createFailureLog(log, failureLogEvery, counters);

  const writable = (c: Conn | undefined): boolean => c?.up === true && !c.socket.destroyed && c.socket.writable;

  const flush = (c: Conn, all = false): void => {
    while (outbox.length > 0 && writable(c) && (all || c.socket.writableLength < WRITE_HIGH_WATER)) {
      c.socket.write(outbox.shift()!.frame);
      counters.published += 1;
    }
  };

  const control = (verb: Verb, arg = ''): void => {
    const c = conn;
    if (!c || !writable(c)) return;
    try {
      c.socket.write(encodeFrame(verb, arg));
    } catch (err) {
      log.error({ verb, arg, err: errText(err) }, 'bus control frame not sent');
    }
  };

  const onData = createInboundReader({ log, counters, now, newId, deliver: (e) => local.deliver(e), stallMs });

  const onUp = (c: Conn): void => {
    c.up = true;
    if (everUp) counters.reconnects += 1;
    log.info(
      { client: clientName, queued: outbox.length, failed: counters.failed },
      everUp ? 'bus reconnected to DECNET' : 'bus connected to DECNET',
    );
    everUp = true;
    outageWarned = false;
    control('HELLO', clientName);
    for (const p of patterns.keys()) control('SUB', p);
    flush(c);
    for (const w of upWaiters.splice(0)) w();
  };

  const onDown = (c: Conn): void => {
    clearTimeout(c.stall);
    if (conn !== c) return;
    conn = undefined;
    if (closed) return;
    if (c.up) {
      if (Date.now() - c.openedAt >= retryMax) attempt = 0;
      log.warn({ err: c.err ?? null, queued: outbox.length }, 'bus connection to DECNET closed; reconnecting');
    } else if (!outageWarned) {
      outageWarned = true;
      log.warn({ err: c.err ?? null }, 'bus cannot reach the DECNET bus socket; retrying');
    }
    const wait = backoffMs(attempt, retryBase, retryMax, opts.random);
    attempt += 1;
    retry = setTimeout(dial, wait);
    // a bus that cannot reach its server must not keep a finished process alive
    retry.unref();
  };

  function dial(): void {
    retry = undefined;
    if (closed) return;
    const socket = createConnection({ path: opts.socketPath });
    const c: Conn = { socket, decoder: createFrameDecoder(), up: false, openedAt: Date.now(), warned: false };
    conn = c;
    const connectTimer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${stallMs} ms`)), stallMs);
    socket.on('connect', () => {
      clearTimeout(connectTimer);
      c.openedAt = Date.now();
      onUp(c);
    });
    socket.on('data', (chunk: Buffer) => onData(c, chunk));
    socket.on('drain', () => flush(c));
    socket.on('error', (err) => {
      c.err = errText(err);
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      onDown(c);
    });
  }

  dial();

  return {
    publish(topic, type, payload) {
      try {
        const problem = topicProblem(topic);
        if (problem) return void log.warn({ topic, type, problem }, 'bus publish dropped: invalid topic');
        const at = now();
        const id = newId();
        const envelope: Envelope = { v: 1, id, topic, type, ts: at.toISOString(), payload };
        local.deliver(envelope);
        if (closed) return fail(topic, 'bus closed');
        const frame = encodeFrame('PUB', topic, decnetWireEnvelope(topic, type, payload, at, id));
        const c = conn;
        if (c && writable(c) && outbox.length === 0 && c.socket.writableLength < WRITE_HIGH_WATER) {
          c.socket.write(frame);
          counters.published += 1;
          return;
        }
        for (const old of outbox.push({ topic, frame })) {
          counters.dropped += 1;
          fail(old.topic, 'outbox full while the DECNET bus is away; oldest dropped');
        }
      } catch (err) {
        fail(topic, errText(err));
      }
    },
    subscribe(pattern, handler) {
      const problem = patternProblem(pattern) ?? (/^[\x21-\x7e]+$/.test(pattern) ? null : 'the DECNET bus carries ASCII patterns only');
      if (problem) throw new BusPatternError(problem);
      const remove = local.add(pattern, handler);
      const n = (patterns.get(pattern) ?? 0) + 1;
      patterns.set(pattern, n);
      if (n === 1) control('SUB', pattern);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        remove();
        const left = (patterns.get(pattern) ?? 1) - 1;
        if (left > 0) return void patterns.set(pattern, left);
        patterns.delete(pattern);
        control('UNSUB', pattern);
      };
    },
    stats: () => ({ backend: 'decnet-unix', connected: writable(conn), ...counters, queued: outbox.length }),
    whenConnected: () => (writable(conn) ? Promise.resolve() : new Promise<void>((r) => upWaiters.push(r))),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      upWaiters.length = 0;
      const c = conn;
      if (c && writable(c)) {
        flush(c, true);
        control('BYE');
        c.socket.end();
      } else c?.socket.destroy();
      const left = outbox.clear();
      if (left > 0) fail('', 'bus closed while publishes were queued', left);
      if (!c || c.socket.closed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          c.socket.destroy();
          resolve();
        }, CLOSE_WAIT_MS);
        c.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
