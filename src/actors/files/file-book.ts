import { createHash } from 'node:crypto';
import type { Logger } from '../../infra/log/logger.port.js';
import {
  MAX_STORED_BODY,
  type SyntheticFile,
  type SyntheticFilesPort,
  type SyntheticFileWrite,
} from '../../infra/store/synthetic-files.port.js';

/** Bounds of the file book; defaults suit a large fleet. */
interface FileBookOptions {
  logger: Logger;
  /** deckies whose files are held in memory (least recently used go first; default 2,000) */
  maxDeckies?: number;
  /** writes held while the store is unavailable before the oldest are dropped (default 20,000) */
  maxPending?: number;
  /** first and longest wait between store retries (default 500 ms, 30 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** `synthetic_files` as live file actions use it: reads served from memory, writes recorded behind. */
interface FileBook extends SyntheticFilesPort {
  /** writes not yet in the store */
  pending(): number;
  /** drops a decky from memory: its next read comes from the store (after a backfill wrote there) */
  forget(deckyUuid: string): void;
  /** waits (bounded) until every write is in the store, retries going on; resolves with how many are not */
  drained(timeoutMs: number): Promise<number>;
  /**
   * At stop: waits (bounded) until every write is in the store and stops retrying; resolves with
   * how many are not. A store already failing is not waited on (its writes are reported at once),
   * so the stop bound is spent on the event writer, which shares the connection.
   */
  flush(timeoutMs: number): Promise<number>;
}

/**
 * Keeps file actions off the store's critical path (a locked database must not slow the decoy
 * network down): a decky's files are read from the store once and then kept in memory, each
 * write updates memory at once and is recorded in the background, in order, retried with
 * backoff while the store is unavailable. Reading a decky not yet in memory still asks the
 * store (the caller bounds it and falls back to a plain plan when it does not answer).
 */
export function createFileBook(store: SyntheticFilesPort, opts: FileBookOptions): FileBook {
  const maxDeckies = opts.maxDeckies ?? 2_000;
  const maxPending = opts.maxPending ?? 20_000;
  const base = opts.retryBaseMs ?? 500;
  const max = opts.retryMaxMs ?? 30_000;
  // insertion order is recency order: a hit is deleted and set again
  const books = new Map<string, Map<string, SyntheticFile>>();
  const loading = new Map<string, Promise<SyntheticFile[]>>();
  let queue: SyntheticFileWrite[] = [];
  let draining: Promise<void> | null = null;
  let stalledSince: number | null = null;
  let dropped = 0;
  // set by flush: a failed write is not retried any more
  let closing = false;

  const remember = (uuid: string, files: Map<string, SyntheticFile>) => {
    books.delete(uuid);
    books.set(uuid, files);
    if (books.size > maxDeckies) books.delete(books.keys().next().value as string);
  };

  async function drain(): Promise<void> {
    let wait = base;
    while (queue.length > 0) {
      const batch = queue.slice(0, 1_000);
      try {
        await store.recordWrites(batch);
        queue = queue.slice(batch.length);
        wait = base;
        if (stalledSince !== null) {
          opts.logger.info({ stalledMs: Date.now() - stalledSince, pending: queue.length }, 'synthetic_files writes resumed');
          stalledSince = null;
        }
      } catch (err) {
        if (stalledSince === null) {
          stalledSince = Date.now();
          opts.logger.warn(
            { err: (err as Error).message, pending: queue.length },
            'synthetic_files write failed; writes kept in memory and retried',
          );
        }
        if (closing) return;
        await new Promise((r) => setTimeout(r, wait).unref());
        wait = Math.min(wait * 2, max);
      }
    }
  }

  const kick = () => {
    if (closing) return;
    draining ??= drain().finally(() => {
      draining = null;
      if (queue.length > 0) kick();
    });
  };

  async function waitDrained(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    // a drain pass may end with writes queued meanwhile: wait for the next one too
    while (queue.length > 0 && draining && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((r) => {
        timer = setTimeout(r, deadline - Date.now());
      });
      await Promise.race([draining, expired]).finally(() => clearTimeout(timer));
      await Promise.resolve();
    }
    return queue.length;
  }

  return {
    async filesOf(uuid) {
      const hit = books.get(uuid);
      if (hit) {
        remember(uuid, hit);
        return [...hit.values()];
      }
      let load = loading.get(uuid);
      if (!load) {
        load = store.filesOf(uuid).finally(() => loading.delete(uuid));
        loading.set(uuid, load);
      }
      const stored = await load;
      if (!books.has(uuid)) {
        const files = new Map(stored.map((f) => [f.path, f]));
        // writes still on their way to the store are newer than what it returned
        for (const w of queue) if (w.deckyUuid === uuid) apply(files, w);
        remember(uuid, files);
      }
      return [...(books.get(uuid)?.values() ?? [])];
    },
    async recordWrites(writes) {
      for (const w of writes) {
        const files = books.get(w.deckyUuid);
        if (files) apply(files, w);
      }
      queue.push(...writes);
      if (queue.length > maxPending) {
        const over = queue.length - maxPending;
        queue = queue.slice(over);
        dropped += over;
        opts.logger.warn(
          { dropped: over, droppedTotal: dropped },
          'synthetic_files writes dropped: the store has been unavailable too long',
        );
      }
      kick();
    },
    putFiles: (files) => store.putFiles(files),
    listFiles: (q) => store.listFiles(q),
    getFile: (uuid, path) => store.getFile(uuid, path),
    pending: () => queue.length,
    forget: (deckyUuid) => {
      books.delete(deckyUuid);
    },
    drained: (timeoutMs) => waitDrained(timeoutMs),
    async flush(timeoutMs) {
      closing = true;
      if (queue.length === 0 || stalledSince !== null) return queue.length;
      return waitDrained(timeoutMs);
    },
  };
}

// the store's own rule (SyntheticFilesPort.recordWrites): insert, or bump edit_count and replace the body
function apply(files: Map<string, SyntheticFile>, w: SyntheticFileWrite): void {
  const prev = files.get(w.path);
  const bytes = Buffer.from(w.body, 'utf8');
  const truncated = bytes.length > MAX_STORED_BODY;
  files.set(w.path, {
    deckyUuid: w.deckyUuid,
    path: w.path,
    author: w.author ?? prev?.author ?? null,
    contentClass: w.contentClass,
    createdAt: prev ? prev.createdAt : w.mtime,
    lastModified: w.mtime,
    editCount: prev ? prev.editCount + 1 : 0,
    contentHash: createHash('sha256').update(bytes).digest('hex'),
    body: truncated ? bytes.subarray(0, MAX_STORED_BODY).toString('utf8') : w.body,
    bodyTruncated: truncated,
  });
}
