import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pyJsonDumps } from '../../../src/infra/store/decnet-format.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { OrchestratorEvent } from '../../../src/domain/event.js';
import { anEvent, at, sql, storeDialects, tempDir } from './store-fixtures.js';

// text an attacker could plant in a banner or a path: quotes, statement breaks, JSON and SQL syntax
const HOSTILE = [
  `'); drop table orchestrator_events; --`,
  `"; drop table orchestrator_events; --`,
  `?, ?, ?); delete from orchestrator_events where (1=1`,
  `x' || (select count(*) from orchestrator_events) || '`,
  `],["evil","1970-01-01T00:00:00.000Z","traffic"]]`,
  `value ->> 0 ; json_each(?)`,
  `back\\slash \\" and \\u0041 literally`,
  `line one\nline two\r\n\ttabbed`,
  `ünïcödé Ελληνικά 中文 עברית \u2028\u2029`,
  `emoji 🐍🔥👩‍💻 and a surrogate pair 𝄞`,
];

const dialects = await storeDialects();

describe.each(dialects)('event store batches on $name', (d) => {
  let store: Store;
  let db: string;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    db = await d.fresh();
    store = await openStore({ dbPath: db });
  });
  afterEach(() => store.close());

  it('writes a batch of one statement (up to 1,000 rows) all or nothing', async () => {
    const batch = Array.from({ length: 1000 }, () => anEvent());
    batch[700] = { ...batch[700]!, uuid: batch[3]!.uuid };
    await expect(store.events.recordEvents(batch)).rejects.toThrow();
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(0);
    await store.events.recordEvents(batch.slice(0, 700));
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(700);
  });

  it('writes a batch of several statements in one transaction, all or nothing', async () => {
    const batch = Array.from({ length: 2500 }, () => anEvent());
    batch[2400] = { ...batch[2400]!, uuid: batch[10]!.uuid };
    await expect(store.events.recordEvents(batch)).rejects.toThrow();
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(0);
    await store.events.recordEvents(batch.slice(0, 2400));
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(2400);
  });

  // 1,000 rows is the writer's full batch (a prepared statement on SQLite); fewer go as one JSON text
  it.each([
    HOSTILE.length,
    1000,
  ])('binds every value in a batch of %i: hostile text in any column or payload is stored and read back unchanged', async (size) => {
    const rows: OrchestratorEvent[] = Array.from({ length: size }, (_, i) => {
      const text = HOSTILE[i % HOSTILE.length]!;
      return anEvent({
        ts: at(i),
        action: text,
        srcDeckyUuid: i % 2 === 0 ? null : `local:${text}`,
        dstDeckyUuid: `local:${text}`,
        success: i % 3 !== 0,
        payload: { banner: text, [text]: [text, { nested: text }], n: i, f: 0.1 + i, big: 1e21, neg: -0.000001, yes: true, nil: null },
      });
    });
    await store.events.recordEvents(rows);
    const page = await store.events.listEvents({ limit: 1000, offset: 0 });
    expect(page.total).toBe(rows.length);
    // newest first
    expect(page.data).toEqual([...rows].reverse());
    const count = await d.sql<{ n: number | string }>(db, 'select count(*) as n from orchestrator_events');
    expect(Number(count[0]!.n)).toBe(rows.length);
  });

  it('writes full batches again after one failed, and closes cleanly after them', async () => {
    const bad = Array.from({ length: 1000 }, () => anEvent());
    bad[999] = { ...bad[999]!, uuid: bad[0]!.uuid };
    await expect(store.events.recordEvents(bad)).rejects.toThrow();
    for (let i = 0; i < 3; i += 1) await store.events.recordEvents(Array.from({ length: 1000 }, () => anEvent()));
    await store.close();
    store = await openStore({ dbPath: db });
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(3000);
  });

  it('keeps the order of a batch for rows that share a timestamp', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => anEvent({ payload: { i } }));
    await store.events.recordEvents(rows);
    const page = await store.events.listEvents({ limit: 30, offset: 0 });
    expect(page.data.map((e) => e.payload.i)).toEqual(rows.map((_, i) => i).reverse());
  });
});

describe('event store batches on sqlite › what the file holds', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await store.close();
    await dir.cleanup();
  });

  it.each([
    2, 1000,
  ])("stores ts as DECNET's naive UTC text, success as the integer 0/1, a missing source as NULL and the payload as json.dumps text (batch of %i)", async (size) => {
    const file = dir.dbPath();
    store = await openStore({ dbPath: file });
    const payload = {
      banner: HOSTILE[0],
      emoji: HOSTILE[9],
      lines: HOSTILE[7],
      n: 41,
      f: 1.5e-7,
      big: 1e21,
      arr: [1, 'two', null, { three: 3 }],
      empty: {},
    };
    const rows = [
      anEvent({ ts: at(1), success: true, payload }),
      anEvent({ ts: at(2), success: false, srcDeckyUuid: null, payload: {} }),
      ...Array.from({ length: size - 2 }, (_, i) => anEvent({ ts: at(3 + i) })),
    ];
    await store.events.recordEvents(rows);
    const got = await sql<Record<string, unknown>>(
      file,
      'select uuid, ts, typeof(ts) as ts_type, success, typeof(success) as success_type, src_decky_uuid, typeof(src_decky_uuid) as src_type, payload, typeof(payload) as payload_type from orchestrator_events order by rowid limit 2',
    );
    expect(got).toEqual([
      {
        uuid: rows[0]!.uuid,
        ts: '2025-01-01 00:00:01.000000',
        ts_type: 'text',
        success: 1,
        success_type: 'integer',
        src_decky_uuid: 'local:web01',
        src_type: 'text',
        payload: pyJsonDumps(payload),
        payload_type: 'text',
      },
      {
        uuid: rows[1]!.uuid,
        ts: '2025-01-01 00:00:02.000000',
        ts_type: 'text',
        success: 0,
        success_type: 'integer',
        src_decky_uuid: null,
        src_type: 'null',
        payload: '{}',
        payload_type: 'text',
      },
    ]);
  });

  it('closes the file cleanly after a prepared full batch: the WAL is checkpointed and removed', async () => {
    const file = dir.dbPath();
    store = await openStore({ dbPath: file });
    await store.events.recordEvents(Array.from({ length: 1000 }, () => anEvent()));
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    store = await openStore({ dbPath: file });
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(1000);
  });
});
