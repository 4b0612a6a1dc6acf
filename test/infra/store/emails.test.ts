import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreQueryError } from '../../../src/infra/store/store-errors.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { anEmail, at, storeDialects } from './store-fixtures.js';

const dialects = await storeDialects();

describe.each(dialects)('email store on $name', (d) => {
  const sql = <T = Record<string, unknown>>(db: string, query: string, params?: unknown[]) => d.sql<T>(db, query, params);
  let dbPath: string;
  let store: Store;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    dbPath = await d.fresh();
    store = await openStore({ dbPath });
  });
  afterEach(() => store.close());

  it('round-trips every field, failures included', async () => {
    const ok = anEmail({ inReplyTo: '<p@corp.example>', payload: { stage: 'delivered', mannerisms_used: ['a', 'b'] } });
    const failed = anEmail({
      success: false,
      messageId: '',
      subject: '',
      emlPath: '',
      ts: at(-1),
      payload: { stage: 'llm', stderr: 'timeout' },
    });
    await store.emails.recordEmails([ok, failed]);
    expect((await store.emails.listEmails({ limit: 10, offset: 0 })).data).toEqual([ok, failed]);
  });

  it('lists newest first, per mail decky, and validates paging', async () => {
    await store.emails.recordEmails([
      anEmail({ ts: at(1), mailDeckyUuid: 'm1' }),
      anEmail({ ts: at(2), mailDeckyUuid: 'm2' }),
      anEmail({ ts: at(3), mailDeckyUuid: 'm1' }),
    ]);
    const page = await store.emails.listEmails({ limit: 10, offset: 0, mailDeckyUuid: 'm1' });
    expect(page.total).toBe(2);
    expect(page.data.map((e) => e.ts)).toEqual([at(3), at(1)]);
    await expect(store.emails.listEmails({ limit: 0, offset: 0 })).rejects.toThrow(StoreQueryError);
  });

  describe('findLatestBetween', () => {
    it('finds the newest email of the pair in either direction', async () => {
      const older = anEmail({ ts: at(1), senderEmail: 'ann@corp.example', recipientEmail: 'bob@corp.example' });
      const newer = anEmail({ ts: at(2), senderEmail: 'bob@corp.example', recipientEmail: 'ann@corp.example' });
      await store.emails.recordEmails([newer, older]);
      expect((await store.emails.findLatestBetween('ann@corp.example', 'bob@corp.example'))?.uuid).toBe(newer.uuid);
      expect((await store.emails.findLatestBetween('bob@corp.example', 'ann@corp.example'))?.uuid).toBe(newer.uuid);
    });

    it('ignores failed emails even when they are newer', async () => {
      const ok = anEmail({ ts: at(1) });
      await store.emails.recordEmails([ok, anEmail({ ts: at(2), success: false, messageId: '' })]);
      expect((await store.emails.findLatestBetween('ann@corp.example', 'bob@corp.example'))?.uuid).toBe(ok.uuid);
    });

    it('ignores other pairs and answers null when the pair never wrote', async () => {
      await store.emails.recordEmails([anEmail({ senderEmail: 'ann@corp.example', recipientEmail: 'cat@corp.example' })]);
      expect(await store.emails.findLatestBetween('ann@corp.example', 'bob@corp.example')).toBeNull();
    });

    it('matches addresses case-insensitively', async () => {
      const e = anEmail({ senderEmail: 'Ann@Corp.Example' });
      await store.emails.recordEmails([e]);
      expect((await store.emails.findLatestBetween('bob@corp.example', 'ann@corp.example'))?.uuid).toBe(e.uuid);
    });

    it('can be limited to one mail decky', async () => {
      const onM1 = anEmail({ ts: at(1), mailDeckyUuid: 'm1' });
      await store.emails.recordEmails([onM1, anEmail({ ts: at(2), mailDeckyUuid: 'm2' })]);
      expect((await store.emails.findLatestBetween('ann@corp.example', 'bob@corp.example', { mailDeckyUuid: 'm1' }))?.uuid).toBe(onM1.uuid);
    });
  });

  describe('threads', () => {
    const thread = 'thread-1';
    const root = anEmail({ threadId: thread, ts: at(1), messageId: '<root@corp.example>' });
    const r1 = anEmail({ threadId: thread, ts: at(2), messageId: '<r1@corp.example>', inReplyTo: '<root@corp.example>' });
    const r2 = anEmail({ threadId: thread, ts: at(3), messageId: '<r2@corp.example>', inReplyTo: '<r1@corp.example>' });

    it('returns the successful emails of a thread oldest first', async () => {
      await store.emails.recordEmails([r2, root, r1, anEmail({ threadId: thread, success: false, messageId: '' })]);
      expect((await store.emails.threadChain(thread)).map((e) => e.messageId)).toEqual([root.messageId, r1.messageId, r2.messageId]);
    });

    it('finds an email by Message-ID', async () => {
      await store.emails.recordEmails([root, r1]);
      expect(await store.emails.getByMessageId('<r1@corp.example>')).toEqual(r1);
      expect(await store.emails.getByMessageId('<nope@corp.example>')).toBeNull();
      expect(await store.emails.getByMessageId('')).toBeNull();
    });

    it('builds the full References chain, root first, ending with the parent', async () => {
      await store.emails.recordEmails([root, r1, r2]);
      expect(await store.emails.referencesFor('<r2@corp.example>')).toEqual([
        '<root@corp.example>',
        '<r1@corp.example>',
        '<r2@corp.example>',
      ]);
      expect(await store.emails.referencesFor('<root@corp.example>')).toEqual(['<root@corp.example>']);
    });

    it('stops at a reply loop instead of spinning', async () => {
      const a = anEmail({ threadId: 'loop', messageId: '<a@x.example>', inReplyTo: '<b@x.example>' });
      const b = anEmail({ threadId: 'loop', messageId: '<b@x.example>', inReplyTo: '<a@x.example>' });
      await store.emails.recordEmails([a, b]);
      expect(await store.emails.referencesFor('<a@x.example>')).toEqual(['<b@x.example>', '<a@x.example>']);
    });
  });

  describe('pruneEmails', () => {
    it('keeps the newest N per mail decky and leaves smaller mail deckies alone', async () => {
      const m1 = Array.from({ length: 5 }, (_, i) => anEmail({ mailDeckyUuid: 'm1', ts: at(i) }));
      const m2 = Array.from({ length: 2 }, (_, i) => anEmail({ mailDeckyUuid: 'm2', ts: at(i) }));
      await store.emails.recordEmails([...m1, ...m2]);
      expect(await store.emails.pruneEmails(2)).toBe(3);
      const left = await sql<{ uuid: string }>(dbPath, 'select uuid from orchestrator_emails order by uuid');
      expect(left.map((r) => r.uuid).sort()).toEqual([...m1.slice(3), ...m2].map((e) => e.uuid).sort());
    });
  });
});
