import type { BusPort } from '../infra/bus/bus.port.js';
import { fileTopic, trafficTopic } from '../infra/bus/topics.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { EventStorePort } from '../infra/store/event-store.port.js';
import type { OrchestratorEvent } from '../domain/event.js';
import { errText } from '../domain/err-text.js';

/** Tuning of the single event writer; defaults suit a daemon. */
export interface EventWriterOptions {
  events: EventStorePort;
  bus: BusPort;
  logger: Logger;
  /** how long a row may wait for companions before its batch is written (default 50 ms) */
  flushMs?: number;
  /** rows per transaction; reaching it writes at once (default DEFAULT_MAX_BATCH) */
  maxBatch?: number;
  /** rows kept while the store fails; past it the oldest are dropped and counted (default 10,000) */
  maxBuffer?: number;
  /** first retry delay after a failed write, doubled per failure (default 250 ms) */
  retryBaseMs?: number;
  /** retry delay cap (default 30 s) */
  retryMaxMs?: number;
  /** a commit still pending after this long is logged as stalled, once per episode (default 2 s) */
  slowMs?: number;
}

/**
 * Rows per commit at most. Under a burst the buffer fills while one commit runs; a 1,000-row
 * statement costs SQLite about 30 % less per row than five of 200 (one statement, one commit).
 */
export const DEFAULT_MAX_BATCH = 1_000;

/** Counters of the writer, for heartbeats and tests. */
interface EventWriterStats {
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
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const maxBuffer = opts.maxBuffer ?? 10_000;
  const retryBaseMs = opts.retryBaseMs ?? 250;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const slowMs = opts.slowMs ?? 2_000;
  let buffer: OrchestratorEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  // a full batch starts on the next turn of the loop, not after a timer's 1 ms floor
  let immediate: NodeJS.Immediate | null = null;
  let writing: Promise<boolean> | null = null;
  let writingRows = 0;
  let failures = 0;
  let written = 0;
  let dropped = 0;
  let closed = false;
  // a commit outlived slowMs: said once, until a commit succeeds again
  let stalled = false;

  const retryDelay = () => Math.min(retryBaseMs * 2 ** Math.max(failures - 1, 0), retryMaxMs);

  function trim(): void {
    const excess = buffer.length - maxBuffer;
    if (excess <= 0) return;
    buffer = buffer.slice(excess);
    if (dropped === 0) log.error({ maxBuffer }, 'event buffer full: dropping the oldest rows');
    dropped += excess;
  }

  function arm(ms: number): void {
    if (timer || immediate || writing || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce();
    }, ms);
    timer.unref();
  }

  function disarm(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = null;
    immediate = null;
  }

  function schedule(): void {
    if (buffer.length === 0 || writing || closed) return;
    if (failures > 0 || buffer.length < maxBatch) {
      arm(failures > 0 ? retryDelay() : flushMs);
      return;
    }
    // a full batch never waits out a flushMs timer armed for its first row
    if (immediate) return;
    if (timer) clearTimeout(timer);
    timer = null;
    immediate = setImmediate(() => {
      immediate = null;
      void runOnce();
    });
    immediate.unref();
  }

  // writes one batch; resolves true on commit. The batch leaves the buffer while in flight and
  // goes back to its front on failure, so order is kept and nothing is lost below maxBuffer.
  function runOnce(): Promise<boolean> {
    if (writing) return writing;
    disarm();
    const batch = buffer.splice(0, maxBatch);
    if (batch.length === 0) return Promise.resolve(true);
    writingRows = batch.length;
    const settle = () => {
      writing = null;
      if (closed) return;
      // a full batch goes to the store before this one is published: the bus then works
      // while the store does, instead of the store waiting for the bus
      if (failures === 0 && buffer.length >= maxBatch) void runOnce();
      else schedule();
    };
    writing = commit(batch).then(
      (ok) => {
        settle();
        // publish only after the commit, so a subscriber never sees an event the store lacks;
        // batches commit one at a time, so bus order is commit order
        if (ok) for (const e of batch) publish(e);
        return ok;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    return writing;
  }

  async function commit(batch: OrchestratorEvent[]): Promise<boolean> {
    const t0 = Date.now();
    // a write waiting out another process's lock says nothing until busy_timeout and the store's
    // own retries are spent; the operator hears about it now
    const watchdog = setTimeout(() => {
      if (stalled) return;
      stalled = true;
      log.warn(
        { rows: batch.length, buffered: buffer.length, waitingMs: Date.now() - t0 },
        'event store write stalled (database locked or busy?); rows kept in memory',
      );
    }, slowMs);
    watchdog.unref();
    try {
      await opts.events.recordEvents(batch);
    } catch (err) {
      clearTimeout(watchdog);
      failures += 1;
      writingRows = 0;
      buffer = batch.concat(buffer);
      trim();
      const fields = { err: errText(err), rows: buffer.length };
      if (failures === 1)
        log.error({ ...fields, retryMs: retryDelay() }, 'event store write failed; keeping rows and retrying with backoff');
      else log.debug({ ...fields, failures }, 'event store write failed again');
      return false;
    }
    clearTimeout(watchdog);
    writingRows = 0;
    if (failures > 0 || stalled) log.info({ failures, stalledMs: Date.now() - t0 }, 'event store writes recovered');
    failures = 0;
    stalled = false;
    written += batch.length;
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

  // the bound holds even for a commit stuck on another process's lock: a stop must end in time
  async function flush(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const giveUp = () => log.error({ lost: buffer.length + writingRows }, 'event store unavailable at flush: rows not written');
    while (buffer.length > 0 || writing) {
      const ok = await beforeDeadline(runOnce(), deadline - Date.now());
      if (ok === 'late') return giveUp();
      if (ok) continue;
      const left = deadline - Date.now();
      if (left <= 0) return giveUp();
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
      disarm();
    },
  };
}

function beforeDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'late'> {
  if (ms <= 0) return Promise.resolve('late');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
