import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { MAX_STORED_BODY } from '../../../src/infra/store/synthetic-files.port.js';
import { sql, tempDir } from './store-fixtures.js';

const T0 = new Date('2025-03-03T08:00:00.000Z');
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const write = (path: string, body: string, mtime: Date, deckyUuid = 'local:web01') => ({
  deckyUuid,
  path,
  author: 'ann@corp.example',
  contentClass: 'notes',
  body,
  mtime,
});

describe('synthetic_files store', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let dbPath: string;
  beforeAll(async () => {
    tmp = await tempDir();
    dbPath = tmp.dbPath();
    store = await openStore({ dbPath });
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it("is DECNET's table, with its unique (decky, path) constraint", async () => {
    const applied = await sql<{ name: string }>(dbPath, 'select name from orch_migrations');
    expect(applied.map((m) => m.name)).toContain('decnet-0001-shared-tables');
    const [table] = await sql<{ sql: string }>(dbPath, "select sql from sqlite_master where type = 'table' and name = 'synthetic_files'");
    expect(table!.sql).toContain('CONSTRAINT uq_synthetic_files_decky_path UNIQUE (decky_uuid, path)');
  });

  it('records a first write with edit_count 0, then counts edits and keeps created_at', async () => {
    await store.files.recordWrites([write('/home/ann/notes.txt', 'one\n', at(1))]);
    await store.files.recordWrites([
      write('/home/ann/notes.txt', 'one\ntwo\n', at(2)),
      write('/home/ann/notes.txt', 'one\ntwo\nthree\n', at(3)),
    ]);
    const f = await store.files.getFile('local:web01', '/home/ann/notes.txt');
    expect(f).toMatchObject({
      editCount: 2,
      createdAt: at(1),
      lastModified: at(3),
      body: 'one\ntwo\nthree\n',
      bodyTruncated: false,
      author: 'ann@corp.example',
    });
    expect(f?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the same path on two deckies apart', async () => {
    await store.files.recordWrites([
      write('/home/ann/todo.txt', 'a\n', at(1), 'local:web01'),
      write('/home/ann/todo.txt', 'b\n', at(1), 'local:web02'),
    ]);
    expect((await store.files.getFile('local:web02', '/home/ann/todo.txt'))?.body).toBe('b\n');
    expect((await store.files.getFile('local:web01', '/home/ann/todo.txt'))?.editCount).toBe(0);
  });

  it('caps the stored body at 64 KiB on a character boundary but hashes the whole body', async () => {
    const big = 'é'.repeat(MAX_STORED_BODY); // 2 bytes each: twice the cap
    const small = 'é'.repeat(10);
    await store.files.recordWrites([write('/var/log/big.log', big, at(1)), write('/var/log/small.log', small, at(1))]);
    const f = (await store.files.getFile('local:web01', '/var/log/big.log'))!;
    expect(Buffer.byteLength(f.body)).toBeLessThanOrEqual(MAX_STORED_BODY);
    expect(f.body).toBe('é'.repeat(MAX_STORED_BODY / 2));
    expect(f.bodyTruncated).toBe(true);
    expect(f.contentHash).not.toBe((await store.files.getFile('local:web01', '/var/log/small.log'))!.contentHash);
  });

  it('puts whole planned states, overwriting what was there', async () => {
    await store.files.putFiles([
      {
        deckyUuid: 'local:db01',
        path: '/etc/cron.d/backup-nightly',
        author: 'root',
        contentClass: 'cron',
        createdAt: at(0),
        lastModified: at(5),
        editCount: 3,
        body: 'x\n',
      },
    ]);
    await store.files.putFiles([
      {
        deckyUuid: 'local:db01',
        path: '/etc/cron.d/backup-nightly',
        author: 'root',
        contentClass: 'cron',
        createdAt: at(0),
        lastModified: at(6),
        editCount: 4,
        body: 'y\n',
      },
    ]);
    expect(await store.files.filesOf('local:db01')).toMatchObject([{ editCount: 4, lastModified: at(6), body: 'y\n' }]);
  });

  it('lists newest last_modified first with a total, per decky or for all', async () => {
    const page = await store.files.listFiles({ limit: 2, offset: 0, deckyUuid: 'local:web01' });
    expect(page.total).toBe(4);
    expect(page.data.map((f) => f.lastModified.getTime())).toEqual(
      [...page.data.map((f) => f.lastModified.getTime())].sort((a, b) => b - a),
    );
    expect((await store.files.listFiles({ limit: 1000, offset: 0 })).total).toBe(6);
    await expect(store.files.listFiles({ limit: 0, offset: 0 })).rejects.toThrow(/limit/);
  });

  it('treats paths full of shell metacharacters as plain data', async () => {
    const nasty = "/home/ann/'; drop table synthetic_files; --.txt";
    await store.files.recordWrites([write(nasty, 'x', at(1))]);
    expect((await store.files.getFile('local:web01', nasty))?.path).toBe(nasty);
  });
});
