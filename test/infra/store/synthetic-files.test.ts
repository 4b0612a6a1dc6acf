import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { SyntheticFileWrite } from '../../../src/infra/store/synthetic-files.port.js';
import { storeDialects } from './store-fixtures.js';

const dialects = await storeDialects();
const T0 = Date.UTC(2025, 2, 3, 8);
const at = (h: number) => new Date(T0 + h * 3_600_000);
const write = (path: string, body: string, mtime: Date, over: Partial<SyntheticFileWrite> = {}): SyntheticFileWrite => ({
  deckyUuid: 'local:web01',
  path,
  author: 'ann@corp.example',
  contentClass: 'notes',
  body,
  mtime,
  ...over,
});

describe.each(dialects)('synthetic_files recordWrites on $name', (d) => {
  let store: Store;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    store = await openStore({ dbPath: await d.fresh() });
  });
  afterEach(() => store.close());

  it('accepts one batch that writes the same path twice and counts both as edits of a known file', async () => {
    await store.files.recordWrites([write('/home/ann/notes.txt', 'one\n', at(1))]);
    await store.files.recordWrites([
      write('/home/ann/notes.txt', 'one\ntwo\n', at(2)),
      write('/home/ann/notes.txt', 'one\ntwo\nthree\n', at(3)),
    ]);
    expect(await store.files.getFile('local:web01', '/home/ann/notes.txt')).toMatchObject({
      editCount: 2,
      createdAt: at(1),
      lastModified: at(3),
      body: 'one\ntwo\nthree\n',
    });
  });

  it('creates a file from a batch of three writes with created_at of the first and edit_count 2', async () => {
    await store.files.recordWrites([
      write('/var/log/backup.log', 'a\n', at(1), { author: 'root', contentClass: 'daemon-log' }),
      write('/home/ann/todo.md', '- [ ] x\n', at(1)),
      write('/var/log/backup.log', 'a\nb\n', at(2), { author: null, contentClass: 'daemon-log' }),
      write('/var/log/backup.log', 'a\nb\nc\n', at(3), { author: null, contentClass: 'daemon-log' }),
    ]);
    expect(await store.files.getFile('local:web01', '/var/log/backup.log')).toMatchObject({
      editCount: 2,
      createdAt: at(1),
      lastModified: at(3),
      body: 'a\nb\nc\n',
      author: 'root',
    });
    expect((await store.files.getFile('local:web01', '/home/ann/todo.md'))?.editCount).toBe(0);
  });

  it('keeps the same path on two deckies in one batch apart', async () => {
    await store.files.recordWrites([
      write('/home/ann/todo.md', 'a\n', at(1)),
      write('/home/ann/todo.md', 'b\n', at(1), { deckyUuid: 'local:web02' }),
      write('/home/ann/todo.md', 'c\n', at(2)),
    ]);
    expect(await store.files.getFile('local:web01', '/home/ann/todo.md')).toMatchObject({ body: 'c\n', editCount: 1 });
    expect(await store.files.getFile('local:web02', '/home/ann/todo.md')).toMatchObject({ body: 'b\n', editCount: 0 });
  });
});
