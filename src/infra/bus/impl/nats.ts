import { randomUUID } from 'node:crypto';
import { connect, type Msg, type NatsConnection, StringCodec, type Subscription } from 'nats';
import type { Logger } from '../../log/logger.port.js';
import type { BusPort, Envelope } from '../bus.port.js';
import type { BusStats } from '../bus-stats.js';
import { patternProblem, topicProblem } from '../topics.js';
import { envelopeFromWire } from '../wire-envelope.js';
import { createFailureLog } from './failure-log.js';
import { createLocalFanout } from './local-fanout.js';
import { BusPatternError } from './memory.js';
import { errText } from '../../../domain/err-text.js';

/** Options of the NATS bus. */
interface NatsBusOptions {
  /** `nats://host:port`, several separated by commas; credentials may ride in the URL */
  url: string;
  logger: Logger;
  /** connection name the server shows (`decnet-orchestrator`) */
  name?: string;
  /** envelope timestamps; injectable for tests */
  now?: () => Date;
  /** envelope ids; injectable for tests */
  newId?: () => string;
  /** first retry delay while the server cannot be reached at start (default 500 ms), doubled up to `retryMaxMs` */
  retryBaseMs?: number;
  /** retry delay cap (default 10 s) */
  retryMaxMs?: number;
  /** at most one "publish failed" warning per window (default 10 s); every failure is counted */
  failureLogEveryMs?: number;
}

/** The NATS bus: a BusPort that also reports its counters and must be closed. */
export interface NatsBus extends BusPort {
  stats(): BusStats;
  /** resolves once a connection to the server is up (tests, startup logs) */
  whenConnected(): Promise<void>;
  /** flushes what was published and closes the connection */
  close(): Promise<void>;
}

// the server's default max_payload is 1 MiB; anything close to it is not one of ours.
const MAX_INBOUND = 1024 * 1024;
const codec = StringCodec();

interface Entry {
  pattern: string;
  remove: () => void;
  nats?: Subscription;
}

/**
 * The SPEC §5 bus on NATS with the official client: the same envelope on the same subjects.
 * Local subscribers get every local publish at once (also while NATS is away); NATS delivers what
 * other processes publish (`noEcho`, so nothing arrives twice). Publishing never throws and never
 * waits: while the server is unreachable a publish is dropped, counted and logged (bounded), and
 * publishing resumes by itself when the client reconnects.
 */
export function createNatsBus(opts: NatsBusOptions): NatsBus {
  const log = opts.logger.child({ component: 'bus', bus: 'nats' });
  const now = opts.now ?? (() => new Date());
  const newId = opts.newId ?? randomUUID;
  const retryBase = opts.retryBaseMs ?? 500;
  const retryMax = opts.retryMaxMs ?? 10_000;
  const failureLogEvery = opts.failureLogEveryMs ?? 10_000;
  const local = createLocalFanout(log);
  const entries = new Set<Entry>();
  const counters = { published: 0, failed: 0, received: 0, rejected: 0 };
  let nc: NatsConnection | undefined;
  let up = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let onConnected: () => void = () => {};
  const connectedOnce = new Promise<void>((resolve) => {
    onConnected = resolve;
  });

  const fail = createFailureLog(log, failureLogEvery, counters);

  const onMessage = (msg: Msg): void => {
    const e = msg.data.length > MAX_INBOUND ? null : envelopeFromWire(msg.subject, safeDecode(msg.data), now, newId);
    if (!e) {
      counters.rejected += 1;
      log.warn({ subject: msg.subject, bytes: msg.data.length }, 'bus message that is not a JSON object dropped');
      return;
    }
    counters.received += 1;
    local.deliver(e);
  };

  const attach = (entry: Entry): void => {
    if (!nc || entry.nats) return;
    try {
      entry.nats = nc.subscribe(entry.pattern, { callback: (err, msg) => (err ? log.warn({ err: err.message, pattern: entry.pattern }, 'bus subscription error') : onMessage(msg)) });
    } catch (err) {
      log.error({ pattern: entry.pattern, err: errorText(err) }, 'bus subscribe on NATS failed');
    }
  };

  const watch = async (c: NatsConnection): Promise<void> => {
    for await (const s of c.status()) {
      if (s.type === 'disconnect') {
        up = false;
        log.warn({ server: String(s.data) }, 'bus disconnected from NATS; publishes are dropped until it returns');
      } else if (s.type === 'reconnect') {
        up = true;
        log.info({ server: String(s.data), failed: counters.failed }, 'bus reconnected to NATS');
      }
    }
  };

  const dial = async (delay: number): Promise<void> => {
    retry = undefined;
    if (closed) return;
    try {
      const c = await connect({
        servers: opts.url.split(',').map((s) => s.trim()),
        name: opts.name ?? 'decnet',
        noEcho: true,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        timeout: 3000,
        pingInterval: 10_000,
        maxPingOut: 2,
      });
      if (closed) return void (await c.close());
      nc = c;
      up = true;
      log.info({ server: c.getServer() }, 'bus connected to NATS');
      for (const e of entries) attach(e);
      onConnected();
      void watch(c);
      void c.closed().then((err) => {
        if (nc !== c) return;
        nc = undefined;
        up = false;
        for (const e of entries) e.nats = undefined;
        if (closed) return;
        log.warn({ err: err ? errorText(err) : null }, 'bus connection to NATS closed; dialing again');
        schedule(retryBase);
      });
    } catch (err) {
      log.warn({ err: errorText(err), retryInMs: delay }, 'bus cannot reach NATS; retrying');
      schedule(Math.min(retryMax, delay * 2), delay);
    }
  };

  const schedule = (next: number, wait = next): void => {
    if (closed) return;
    retry = setTimeout(() => void dial(next), wait);
    // a bus that never reached its server must not keep a finished process alive
    retry.unref();
  };

  void dial(retryBase);

  return {
    publish(topic, type, payload) {
      try {
        const problem = topicProblem(topic);
        if (problem) {
          log.warn({ topic, type, problem }, 'bus publish dropped: invalid topic');
          return;
        }
        const envelope: Envelope = { v: 1, id: newId(), topic, type, ts: now().toISOString(), payload };
        local.deliver(envelope);
        if (!nc || !up) return fail(topic, closed ? 'bus closed' : 'not connected to NATS');
        nc.publish(topic, codec.encode(JSON.stringify(envelope)));
        counters.published += 1;
      } catch (err) {
        fail(topic, errorText(err));
      }
    },
    subscribe(pattern, handler) {
      const problem = patternProblem(pattern);
      if (problem) throw new BusPatternError(problem);
      const entry: Entry = { pattern, remove: local.add(pattern, handler) };
      entries.add(entry);
      attach(entry);
      return () => {
        entries.delete(entry);
        entry.remove();
        entry.nats?.unsubscribe();
      };
    },
    stats: () => ({ backend: 'nats', connected: up && nc !== undefined, ...counters }),
    whenConnected: () => connectedOnce,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      const c = nc;
      nc = undefined;
      up = false;
      if (!c) return;
      // drain sends what is buffered; a server that is gone must not hold the shutdown up
      await Promise.race([c.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      if (!c.isClosed()) await c.close().catch(() => undefined);
    },
  };
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return JSON.parse(codec.decode(data));
  } catch {
    return undefined;
  }
}

function errorText(err: unknown): string {
  return errText(err);
}
