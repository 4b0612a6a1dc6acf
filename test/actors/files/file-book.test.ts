import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileBook } from '../../../src/actors/files/file-book.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { SyntheticFile, SyntheticFilesPort, SyntheticFileWrite } from '../../../src/infra/store/synthetic-files.port.js';
import { tempDir } from '../../infra/store/store-fixtures.js';

const write = (
  path: string,
  body: string,
  at: string,
  deckyUuid = 'd1',
  author: string | null = 'ana@corp.example',
): SyntheticFileWrite => ({
  deckyUuid,
  path,
  author,
  contentClass: 'notes',
  body,
  mtime: new Date(at),
});

// a store that can be made unavailable: calls then hang (locked) until it opens again
function lockableStore(inner: SyntheticFilesPort) {
  let locked = false;
  let waiters: (() => void)[] = [];
  const gate = async () => {
    while (locked) await new Promise<void>((r) => waiters.push(r));
  };
  const calls = { filesOf: 0, recordWrites: 0 };
  const port: SyntheticFilesPort = {
    filesOf: async (uuid) => {
      calls.filesOf += 1;
      await gate();
      return inner.filesOf(uuid);
    },
    recordWrites: async (w) => {
      calls.recordWrites += 1;
      await gate();
      return inner.recordWrites(w);
    },
    putFiles: () => Promise.reject(new Error('not implemented: putFiles')),
    listFiles: () => Promise.reject(new Error('not implemented: listFiles')),
    getFile: () => Promise.reject(new Error('not implemented: getFile')),
  };
  return {
    port,
    calls,
    lock: () => {
      locked = true;
    },
    unlock: () => {
      locked = false;
      for (const w of waiters.splice(0)) w();
      waiters = [];
    },
  };
}

const shape = (files: SyntheticFile[]) =>
  files
    .map((f) => ({
      path: f.path,
      author: f.author,
      editCount: f.editCount,
      body: f.body,
      createdAt: f.createdAt.toISOString(),
      lastModified: f.lastModified.toISOString(),
      contentHash: f.contentHash,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));

describe('file book', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    store = await openStore({ dbPath: t.dbPath() });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('reads a decky from the store once, then answers from memory exactly as the store would', async () => {
    const s = lockableStore(store.files);
    const book = createFileBook(s.port, { logger: silentLogger });
    await store.files.recordWrites([write('/home/ana/notes.md', 'one\n', '2026-11-02T09:00:00Z', 'a1')]);
    expect(shape(await book.filesOf('a1'))).toHaveLength(1);
    await book.recordWrites([
      write('/home/ana/notes.md', 'one\ntwo\n', '2026-11-02T10:00:00Z', 'a1'),
      write('/home/ana/todo.md', '- [ ] x\n', '2026-11-02T10:05:00Z', 'a1', null),
    ]);
    await book.recordWrites([write('/home/ana/notes.md', 'one\ntwo\nthree\n', '2026-11-02T11:00:00Z', 'a1', null)]);
    const fromMemory = shape(await book.filesOf('a1'));
    expect(await book.drained(2_000)).toBe(0);
    expect(fromMemory).toEqual(shape(await store.files.filesOf('a1')));
    expect(fromMemory.find((f) => f.path === '/home/ana/notes.md')).toMatchObject({
      editCount: 2,
      author: 'ana@corp.example',
      body: 'one\ntwo\nthree\n',
    });
    expect(s.calls.filesOf).toBe(1);
  });

  it('keeps file actions off a locked store: reads and writes answer at once, the writes land when it opens', async () => {
    const s = lockableStore(store.files);
    const book = createFileBook(s.port, { logger: silentLogger, retryBaseMs: 5 });
    await book.filesOf('b1');
    s.lock();
    const started = Date.now();
    for (let i = 0; i < 20; i += 1) {
      await book.recordWrites([write('/var/log/app.log', `line ${i}\n`, `2026-11-03T09:${String(i).padStart(2, '0')}:00Z`, 'b1')]);
      expect((await book.filesOf('b1'))[0]).toMatchObject({ editCount: i, body: `line ${i}\n` });
    }
    // a locked store would hold each of the 20 writes forever; the margin absorbs a busy CI machine
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(book.pending()).toBe(20);
    expect(await book.drained(50)).toBe(20);
    s.unlock();
    expect(await book.drained(2_000)).toBe(0);
    expect(await store.files.getFile('b1', '/var/log/app.log')).toMatchObject({ editCount: 19, body: 'line 19\n' });
  });

  it('retries a store that fails, and drops the oldest writes only past its bound', async () => {
    let failing = true;
    const seen: SyntheticFileWrite[][] = [];
    const flaky: SyntheticFilesPort = {
      ...store.files,
      filesOf: (uuid) => store.files.filesOf(uuid),
      recordWrites: async (w) => {
        if (failing) throw new Error('SQLITE_BUSY: database is locked');
        seen.push([...w]);
        return store.files.recordWrites(w);
      },
    };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_: unknown, msg?: string) => void warnings.push(String(msg)) };
    const book = createFileBook(flaky, { logger, retryBaseMs: 5, retryMaxMs: 10, maxPending: 3 });
    for (let i = 0; i < 5; i += 1) await book.recordWrites([write(`/tmp/f${i}`, 'x\n', '2026-11-03T09:00:00Z', 'c1')]);
    await new Promise((r) => setTimeout(r, 30));
    expect(book.pending()).toBe(3);
    expect(warnings.some((w) => w.includes('retried'))).toBe(true);
    expect(warnings.some((w) => w.includes('dropped'))).toBe(true);
    failing = false;
    expect(await book.drained(2_000)).toBe(0);
    expect(seen.flat().map((w) => w.path)).toEqual(['/tmp/f2', '/tmp/f3', '/tmp/f4']);
  });

  it('applies writes still on their way to the store to a decky read after them', async () => {
    const s = lockableStore(store.files);
    const book = createFileBook(s.port, { logger: silentLogger, retryBaseMs: 5 });
    s.lock();
    // the decky is not in memory yet: the write only goes to the queue
    await book.recordWrites([write('/home/ana/draft.md', 'hello\n', '2026-11-04T09:00:00Z', 'e1')]);
    const read = book.filesOf('e1');
    s.unlock();
    const files = await read;
    expect(files.map((f) => f.path)).toEqual(['/home/ana/draft.md']);
    expect(await book.drained(2_000)).toBe(0);
  });

  it('at stop writes what it can, but does not wait on or retry a store that is failing', async () => {
    let attempts = 0;
    const failing: SyntheticFilesPort = {
      ...store.files,
      recordWrites: async () => {
        attempts += 1;
        throw new Error('SQLITE_BUSY: database is locked');
      },
    };
    const book = createFileBook(failing, { logger: silentLogger, retryBaseMs: 5, retryMaxMs: 5 });
    await book.recordWrites([write('/tmp/a', 'x\n', '2026-11-05T09:00:00Z', 'f1')]);
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    expect(await book.flush(5_000)).toBe(1);
    // not the 5 s bound of retries against a failing store
    expect(Date.now() - started).toBeLessThan(1_500);
    const after = attempts;
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBeLessThanOrEqual(after + 1);

    // a healthy store is flushed at stop
    const healthy = createFileBook(store.files, { logger: silentLogger });
    await healthy.recordWrites([write('/tmp/b', 'y\n', '2026-11-05T09:00:00Z', 'f2')]);
    expect(await healthy.flush(2_000)).toBe(0);
    expect(await store.files.getFile('f2', '/tmp/b')).toMatchObject({ body: 'y\n' });
  });
});
