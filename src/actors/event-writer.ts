import type { BusPort } from '../infra/bus/bus.port.js';
import { fileTopic, trafficTopic } from '../infra/bus/topics.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { EventStorePort, OrchestratorEvent } from '../infra/store/event-store.port.js';

/** Tuning of the single event writer; defaults suit a daemon. */
export interface EventWriterOptions {
  events: EventStorePort;
  bus: BusPort;
  logger: Logger;
  /** how long a row may wait for companions before its batch is written (default 50 ms) */
  flushMs?: number;
  /** rows per transaction; reaching it writes at once (default 200) */
  maxBatch?: number;
  /** rows kept while the store fails; past it the oldest are dropped and counted (default 10,000) */
  maxBuffer?: number;
  /** first retry delay after a failed write, doubled per failure (default 250 ms) */
  retryBaseMs?: number;
  /** retry delay cap (default 30 s) */
  retryMaxMs?: number;
}

/** Counters of the writer, for heartbeats and tests. */
export interface EventWriterStats {
  buffered: number;
  written: number;
  dropped: number;
  /** true while the store keeps refusing writes */
  failing: boolean;
}

/** The one event writer of a process: batches rows, commits them, then publishes each. */
export interface EventWriter {
  /** queues a row; never throws, never blocks */
  write(event: OrchestratorEvent): void;
  /** commits everything queued, retrying within `timeoutMs` (default 5 s); never rejects */
  flush(timeoutMs?: number): Promise<void>;
  stats(): EventWriterStats;
  /** flushes, then refuses further rows (they are counted as dropped) */
  close(timeoutMs?: number): Promise<void>;
}

/** The bus type of a recorded fact: `traffic.sent`, `traffic.failed`, `file.planted`, `file.failed`. */
export function eventType(e: Pick<OrchestratorEvent, 'kind' | 'success'>): string {
  if (e.kind === 'traffic') return e.success ? 'traffic.sent' : 'traffic.failed';
  return e.success ? 'file.planted' : 'file.failed';
}

/** Creates the writer; it owns its timers and never throws into callers. */
export function createEventWriter(opts: EventWriterOptions): EventWriter {
  const log = opts.logger.child({ component: 'event-writer' });
  const flushMs = opts.flushMs ?? 50;
  const maxBatch = opts.maxBatch ?? 200;
  const maxBuffer = opts.maxBuffer ?? 10_000;
  const retryBaseMs = opts.retryBaseMs ?? 250;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  let buffer: OrchestratorEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<boolean> | null = null;
  let failures = 0;
  let written = 0;
  let dropped = 0;
  let closed = false;

  const retryDelay = () => Math.min(retryBaseMs * 2 ** Math.max(failures - 1, 0), retryMaxMs);

  function trim(): void {
    const excess = buffer.length - maxBuffer;
    if (excess <= 0) return;
    buffer = buffer.slice(excess);
    if (dropped === 0) log.error({ maxBuffer }, 'event buffer full: dropping the oldest rows');
    dropped += excess;
  }

  function arm(ms: number): void {
    if (timer || writing || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce();
    }, ms);
    timer.unref();
  }

  function schedule(): void {
    if (buffer.length === 0) return;
    arm(failures > 0 ? retryDelay() : buffer.length >= maxBatch ? 0 : flushMs);
  }

  // writes one batch; resolves true on commit. The batch leaves the buffer while in flight and
  // goes back to its front on failure, so order is kept and nothing is lost below maxBuffer.
  function runOnce(): Promise<boolean> {
    if (writing) return writing;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = buffer.splice(0, maxBatch);
    if (batch.length === 0) return Promise.resolve(true);
    writing = commit(batch).finally(() => {
      writing = null;
      if (!closed) schedule();
    });
    return writing;
  }

  async function commit(batch: OrchestratorEvent[]): Promise<boolean> {
    try {
      await opts.events.recordEvents(batch);
    } catch (err) {
      failures += 1;
      buffer = batch.concat(buffer);
      trim();
      const fields = { err: err instanceof Error ? err.message : String(err), rows: buffer.length };
      if (failures === 1) log.error({ ...fields, retryMs: retryDelay() }, 'event store write failed; keeping rows and retrying with backoff');
      else log.debug({ ...fields, failures }, 'event store write failed again');
      return false;
    }
    if (failures > 0) log.info({ failures }, 'event store writes recovered');
    failures = 0;
    written += batch.length;
    // publish only after the commit, so a subscriber never sees an event the store lacks
    for (const e of batch) publish(e);
    return true;
  }

  function publish(e: OrchestratorEvent): void {
    const topic = e.kind === 'traffic' ? trafficTopic(e.dstDeckyUuid) : fileTopic(e.dstDeckyUuid);
    opts.bus.publish(topic, eventType(e), {
      uuid: e.uuid,
      ts: e.ts.toISOString(),
      kind: e.kind,
      protocol: e.protocol,
      action: e.action,
      srcDeckyUuid: e.srcDeckyUuid,
      dstDeckyUuid: e.dstDeckyUuid,
      success: e.success,
      payload: e.payload,
    });
  }

  async function flush(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (buffer.length > 0 || writing) {
      const ok = await runOnce();
      if (ok) continue;
      const left = deadline - Date.now();
      if (left <= 0) {
        log.error({ lost: buffer.length }, 'event store unavailable at flush: rows not written');
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(retryDelay(), left)));
    }
  }

  return {
    write(event) {
      if (closed) {
        dropped += 1;
        log.warn({ kind: event.kind, dst: event.dstDeckyUuid }, 'event writer closed: row dropped');
        return;
      }
      buffer.push(event);
      trim();
      schedule();
    },
    flush,
    stats: () => ({ buffered: buffer.length, written, dropped, failing: failures > 0 }),
    async close(timeoutMs) {
      await flush(timeoutMs);
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
