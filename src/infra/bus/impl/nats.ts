import { randomUUID } from 'node:crypto';
import { connect, type Msg, type NatsConnection, StringCodec, type Subscription } from 'nats';
import type { Logger } from '../../log/logger.port.js';
import type { BusPort, Envelope } from '../bus.port.js';
import type { BusStats } from '../bus-stats.js';
import { acceptInbound, MAX_EVENT_BYTES } from '../inbound.js';
import { type NatsSecuritySettings, planNats } from '../nats-settings.js';
import { patternProblem, topicProblem } from '../topics.js';
import { createFailureLog } from './failure-log.js';
import { natsConnectSecurity, natsRefusalText } from './nats-connect.js';
import { createLocalFanout } from './local-fanout.js';
import { BusPatternError } from './memory.js';
import { errText } from '../../../domain/err-text.js';

/** Options of the NATS bus. */
interface NatsBusOptions {
  /** `nats://host:port` or `tls://host:port`, several separated by commas; credentials may ride in the URL */
  url: string;
  /** DECNET_NATS_* authentication, TLS files and the insecure switch (see `planNats`) */
  security?: NatsSecuritySettings;
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
  /** at most one "publish failed" (and one "inbound rejected") warning per window (default 10 s); every one is counted */
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
  // throws BusConfigError (naming the variable) for an ambiguous, unreadable or unsafe setup
  const plan = planNats(opts.url, opts.security);
  const security = natsConnectSecurity(plan);
  if (plan.insecure && plan.remote.length > 0 && (plan.auth.kind === 'none' || !plan.tls)) {
    log.warn(
      { servers: plan.remote, auth: plan.auth.kind, tls: Boolean(plan.tls) },
      'DECNET_NATS_INSECURE=1: connecting to a remote NATS server without authentication or TLS',
    );
  }
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
  let lastRejectLog = Number.NEGATIVE_INFINITY;
  let rejectedSinceLog = 0;
  let lastRefusal = '';
  let lastAsyncErrorLog = Number.NEGATIVE_INFINITY;

  const onMessage = (msg: Msg): void => {
    const bytes = msg.data.length;
    const r = acceptInbound(msg.subject, bytes, bytes > MAX_EVENT_BYTES ? undefined : safeDecode(msg.data), now, newId);
    if (!r.ok) {
      counters.rejected += 1;
      rejectedSinceLog += 1;
      // a flood of forged messages is counted, and logged once per window, not once per message
      if (Date.now() - lastRejectLog >= failureLogEvery) {
        log.warn(
          { subject: msg.subject.slice(0, 200), bytes, reason: r.reason, rejected: counters.rejected, sinceLastWarning: rejectedSinceLog },
          'bus message from NATS rejected',
        );
        lastRejectLog = Date.now();
        rejectedSinceLog = 0;
      }
      return;
    }
    counters.received += 1;
    local.deliver(r.envelope);
  };

  const attach = (entry: Entry): void => {
    if (!nc || entry.nats) return;
    try {
      entry.nats = nc.subscribe(entry.pattern, {
        callback: (err, msg) => (err ? log.warn({ err: err.message, pattern: entry.pattern }, 'bus subscription error') : onMessage(msg)),
      });
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
      } else if (s.type === 'error' && Date.now() - lastAsyncErrorLog >= failureLogEvery) {
        // e.g. a permissions violation: the server refused a publish or subscribe this user may not make
        lastAsyncErrorLog = Date.now();
        log.warn(
          { err: String(s.data), ...(s.permissionContext ? { permission: s.permissionContext } : {}) },
          'NATS server reported an error',
        );
      }
    }
  };

  const dial = async (delay: number): Promise<void> => {
    retry = undefined;
    if (closed) return;
    try {
      const c = await connect({
        ...security,
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
      lastRefusal = '';
      log.info({ server: c.getServer(), auth: plan.auth.kind, tls: Boolean(plan.tls) }, 'bus connected to NATS');
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
      const reason = natsRefusalText(err);
      // the same refusal on every retry is one error line, not one per attempt
      if (reason !== lastRefusal) log.error({ err: reason, retryInMs: delay }, `bus cannot connect to NATS: ${reason}; retrying`);
      else log.debug({ err: reason, retryInMs: delay }, 'bus cannot connect to NATS; retrying');
      lastRefusal = reason;
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
