import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActor, toPromise } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLookupThreadLogic, type LookupThreadDeps } from '../../../src/actors/email/lookup-thread.actor.js';
import type { EmailRecord } from '../../../src/domain/email-record.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import type { LookupThreadInput } from '../../../src/machines/persona/persona.types.js';

const MAIL = 'local:mail01';
let dir: string;
let store: Store;
let seq = 0;

function row(over: Partial<EmailRecord>): EmailRecord {
  seq += 1;
  return {
    uuid: randomUUID(),
    ts: new Date(Date.UTC(2026, 2, 3, 9, 0, seq)),
    mailDeckyUuid: MAIL,
    threadId: 'thread-a',
    messageId: `<m${seq}@acme.example>`,
    inReplyTo: null,
    senderEmail: 'alice@acme.example',
    recipientEmail: 'bob@acme.example',
    subject: 'Budget',
    language: 'en',
    emlPath: `/spool/thread-a/m${seq}.eml`,
    success: true,
    payload: { body_excerpt: `body ${seq}` },
    ...over,
  };
}

const lookup = (deps: LookupThreadDeps, input: Partial<LookupThreadInput> = {}) =>
  toPromise(
    createActor(createLookupThreadLogic(deps), {
      input: { mailDeckyUuid: MAIL, sender: 'alice@acme.example', recipient: 'bob@acme.example', wantReply: true, ...input },
    }).start(),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'decnet-lookup-'));
  store = await openStore({ dbPath: join(dir, 'db.sqlite') });
  const root = row({});
  const mid = row({
    senderEmail: 'bob@acme.example',
    recipientEmail: 'alice@acme.example',
    inReplyTo: root.messageId,
    subject: 'Re: Budget',
  });
  const newest = row({ inReplyTo: mid.messageId, subject: 'Re: Budget' });
  const failed = row({ success: false, messageId: '', threadId: 'thread-x' });
  const elsewhere = row({ mailDeckyUuid: 'local:mail02', threadId: 'thread-b' });
  await store.emails.recordEmails([root, mid, newest, failed, elsewhere]);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('lookupThread actor', () => {
  it('answers the newest successful email of the pair on this mail decky, with its full chain', async () => {
    const out = await lookup({ emails: store.emails, newId: () => 'fresh' });
    expect(out.threadId).toBe('thread-a');
    expect(out.parent).toEqual({
      messageId: '<m3@acme.example>',
      threadId: 'thread-a',
      subject: 'Re: Budget',
      excerpt: 'body 3',
      references: ['<m1@acme.example>', '<m2@acme.example>', '<m3@acme.example>'],
    });
    expect(out.emailId).toBe('fresh');
  });

  it('finds the pair in either direction', async () => {
    const out = await lookup({ emails: store.emails }, { sender: 'BOB@acme.example', recipient: 'alice@acme.example' });
    expect(out.parent?.messageId).toBe('<m3@acme.example>');
  });

  it('starts a new uuid thread when the pair never wrote on this decky', async () => {
    const out = await lookup({ emails: store.emails }, { recipient: 'carol@acme.example' });
    expect(out.parent).toBeNull();
    expect(out.threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.threadId).not.toBe(out.emailId);
  });

  it('does not even ask the store when no reply is wanted', async () => {
    const deny = {
      findLatestBetween: () => Promise.reject(new Error('not implemented: findLatestBetween')),
      referencesFor: () => Promise.reject(new Error('not implemented: referencesFor')),
    };
    const out = await lookup({ emails: deny }, { wantReply: false });
    expect(out.parent).toBeNull();
  });

  it('never answers into a thread whose id could not name a directory', async () => {
    const emails = {
      findLatestBetween: async () => row({ threadId: '../../etc' }),
      referencesFor: () => Promise.reject(new Error('not implemented: referencesFor')),
    };
    const out = await lookup({ emails });
    expect(out.parent).toBeNull();
    expect(out.threadId).not.toContain('..');
  });
});
