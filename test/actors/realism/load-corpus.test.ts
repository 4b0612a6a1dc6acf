import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emDashCheck } from '../../../src/checks/em-dash.check.js';
import { loadCorpus, personaDirectory } from '../../../src/actors/realism/load-corpus.js';
import type { Persona } from '../../../src/domain/persona.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { anEmail, tempDir } from '../../infra/store/store-fixtures.js';

const persona = (email: string, over: Partial<Persona> = {}): Persona => ({
  name: 'X',
  email,
  role: 'r',
  tone: 'formal',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '09:00-18:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
  ...over,
});

describe('loadCorpus', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    await store.emails.recordEmails([
      anEmail({ ts: new Date('2025-01-01T09:00:00Z'), payload: { body_excerpt: 'Sure \u2014 tomorrow works.' } }),
      anEmail({ ts: new Date('2025-01-01T10:00:00Z'), payload: {} }),
    ]);
    await store.events.recordEvents([
      {
        uuid: randomUUID(),
        ts: new Date('2025-01-01T11:00:00Z'),
        kind: 'file',
        protocol: 'ssh',
        action: 'file:create',
        srcDeckyUuid: null,
        dstDeckyUuid: 'local:web01',
        success: true,
        payload: { path: '/tmp/.cache-1777315854.tmp', backfilled: false },
      },
      {
        uuid: randomUUID(),
        ts: new Date('2025-01-01T11:00:00Z'),
        kind: 'file',
        protocol: 'ssh',
        action: 'file:create',
        srcDeckyUuid: null,
        dstDeckyUuid: 'local:web01',
        success: false,
        payload: { path: '/tmp/failed.tmp' },
      },
      {
        uuid: randomUUID(),
        ts: new Date('2025-01-01T12:00:00Z'),
        kind: 'traffic',
        protocol: 'ssh',
        action: 'exec:tcp_connect:22',
        srcDeckyUuid: 'local:web02',
        dstDeckyUuid: 'local:web01',
        success: true,
        payload: { backfilled: true },
      },
    ]);
    await store.files.recordWrites([
      {
        deckyUuid: 'local:web01',
        path: '/home/ann/notes.txt',
        author: 'ann@corp.example',
        contentClass: 'notes',
        body: 'a\n',
        mtime: new Date('2025-01-01T10:30:00Z'),
      },
    ]);
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('reads emails oldest first with their excerpts, files from the table and from successful file events', async () => {
    const c = await loadCorpus(store, [persona('ann@corp.example')], { spoolRoot: '/srv/mail', hostZone: 'UTC' });
    expect(c.emails.map((e) => e.ts.toISOString())).toEqual(['2025-01-01T09:00:00.000Z', '2025-01-01T10:00:00.000Z']);
    expect(c.emails[0]!.excerpt).toContain('\u2014');
    expect(c.files.map((f) => [f.source, f.path, f.contentClass])).toEqual([
      ['store', '/home/ann/notes.txt', 'notes'],
      ['event', '/tmp/.cache-1777315854.tmp', 'baseline'],
    ]);
    expect(c.events.map((e) => [e.kind, e.backfilled])).toEqual([
      ['traffic', true],
      ['file', false],
      ['file', false],
    ]);
    expect(c).toMatchObject({ spoolRoot: '/srv/mail', inspected: false });
  });

  it('lets the em-dash check judge stored excerpts without reading any spool', async () => {
    const c = await loadCorpus(store, [persona('ann@corp.example')], { spoolRoot: '/srv/mail' });
    expect(emDashCheck.run(c)).toMatchObject({ pass: false, skipped: false });
  });

  it('keys personas by lower-case address and gives zone-less ones the host zone', () => {
    const dir = personaDirectory([persona('Ann@Corp.example'), persona('bob@corp.example', { timezone: 'Asia/Tokyo' })], 'Europe/Paris');
    expect(dir.get('ann@corp.example')?.timeZone).toBe('Europe/Paris');
    expect(dir.get('bob@corp.example')?.timeZone).toBe('Asia/Tokyo');
  });
});
