import { describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { seededRng } from '../../../src/domain/rng.js';
import {
  REPLY_PROBABILITY,
  ancestorChain,
  buildReferences,
  capReferences,
  pickPair,
  pickRecipient,
  replySubject,
  threadSubject,
  stripReplyPrefixes,
  wantsReply,
} from '../../../src/machines/email/threads.js';
import { CONTEXT_TOPICS, pickTopic } from '../../../src/machines/email/topics.js';

const persona = (email: string): Persona => ({
  name: email,
  email,
  role: 'r',
  tone: 'formal',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '09:00-18:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
});

describe('replySubject', () => {
  it.each([
    ['Budget', 'Re: Budget'],
    ['Re: Budget', 'Re: Budget'],
    ['RE: re: Re:Budget', 'Re: Budget'],
    ['Re : RE :  Budget  review', 'Re: Budget review'],
    ['re[2]: Budget', 'Re: Budget'],
    ['Re：Budget', 'Re: Budget'],
    ['  Re: Re: Re: Re: Re: Budget', 'Re: Budget'],
    ['Regarding the budget', 'Re: Regarding the budget'],
    ['Report: Q3', 'Re: Report: Q3'],
    ['', 'Re: Business Communication'],
    ['Re: ', 'Re: Business Communication'],
  ])('turns %j into %j', (parent, expected) => expect(replySubject(parent)).toBe(expected));

  it('is stable when replying to a reply', () => {
    expect(replySubject(replySubject(replySubject('Budget')))).toBe('Re: Budget');
    expect(stripReplyPrefixes('RE: Fwd: x')).toBe('Fwd: x');
  });
});

describe('threadSubject', () => {
  it("ignores the model's subject for a reply and uses the parent's", () => {
    expect(threadSubject('Re: Re: something else', 'RE: Budget')).toBe('Re: Budget');
  });
  it('strips a Re: the model put on a new thread, and falls back when nothing is left', () => {
    expect(threadSubject('Re: Budget', null)).toBe('Budget');
    expect(threadSubject('Re:', null)).toBe('Business Communication');
  });
});

describe('wantsReply', () => {
  it('replies with probability 0.6', () => {
    expect(REPLY_PROBABILITY).toBe(0.6);
    expect(wantsReply(() => 0.59)).toBe(true);
    expect(wantsReply(() => 0.6)).toBe(false);
    const rng = seededRng(7);
    const n = 10_000;
    let replies = 0;
    for (let i = 0; i < n; i++) if (wantsReply(rng)) replies += 1;
    expect(replies / n).toBeGreaterThan(0.58);
    expect(replies / n).toBeLessThan(0.62);
  });
});

describe('References', () => {
  it('walks In-Reply-To from the parent up to the root, oldest first', () => {
    const rows = new Map([
      ['<c@x>', { messageId: '<c@x>', inReplyTo: '<b@x>' }],
      ['<b@x>', { messageId: '<b@x>', inReplyTo: '<a@x>' }],
      ['<a@x>', { messageId: '<a@x>', inReplyTo: null }],
    ]);
    expect(ancestorChain('<c@x>', (id) => rows.get(id))).toEqual(['<a@x>', '<b@x>', '<c@x>']);
  });

  it('keeps an unknown ancestor and stops on a cycle', () => {
    const rows = new Map([
      ['<c@x>', { messageId: '<c@x>', inReplyTo: '<gone@x>' }],
      ['<l1@x>', { messageId: '<l1@x>', inReplyTo: '<l2@x>' }],
      ['<l2@x>', { messageId: '<l2@x>', inReplyTo: '<l1@x>' }],
    ]);
    expect(ancestorChain('<c@x>', (id) => rows.get(id))).toEqual(['<gone@x>', '<c@x>']);
    expect(ancestorChain('<l1@x>', (id) => rows.get(id))).toEqual(['<l2@x>', '<l1@x>']);
  });

  it("is the parent's chain followed by the parent, not the parent alone", () => {
    expect(buildReferences({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'] })).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(buildReferences({ messageId: '<a@x>' })).toEqual(['<a@x>']);
    expect(buildReferences({ messageId: '<b@x>', references: ['<a@x>', '<b@x>', ''] })).toEqual(['<a@x>', '<b@x>']);
  });

  it('keeps the root and the newest ids of a very long chain', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `<${i}@x>`);
    const capped = capReferences(ids, 50);
    expect(capped).toHaveLength(50);
    expect(capped[0]).toBe('<0@x>');
    expect(capped[1]).toBe('<31@x>');
    expect(capped[49]).toBe('<79@x>');
  });
});

describe('choosing sender and recipient', () => {
  const a = persona('a@x.com');
  const b = persona('b@x.com');
  const c = persona('c@x.com');
  const A = persona('A@X.com');

  it('never picks the sender as recipient, even under another case', () => {
    const rng = seededRng(1);
    for (let i = 0; i < 200; i++) {
      const r = pickRecipient(a, [a, A, b, c], rng, () => true);
      expect(r?.email.toLowerCase()).not.toBe('a@x.com');
    }
  });

  it('picks only active recipients and none when nobody else is active', () => {
    expect(pickRecipient(a, [a, b, c], seededRng(2), (p) => p === c)).toBe(c);
    expect(pickRecipient(a, [a, b], seededRng(2), (p) => p === a)).toBeNull();
  });

  it('needs two distinct active addresses for a pair', () => {
    expect(pickPair([a], seededRng(3), () => true)).toBeNull();
    expect(pickPair([a, A], seededRng(3), () => true)).toBeNull();
    expect(pickPair([a, b, c], seededRng(3), (p) => p === b)).toBeNull();
    const rng = seededRng(4);
    const senders = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const pair = pickPair([a, b, c], rng, (p) => p !== c);
      expect(pair).not.toBeNull();
      expect(pair!.sender.email).not.toBe(pair!.recipient.email);
      expect([pair!.sender, pair!.recipient]).not.toContain(c);
      senders.add(pair!.sender.email);
    }
    expect(senders).toEqual(new Set(['a@x.com', 'b@x.com']));
  });
});

describe('topics', () => {
  it('offers at least 16 distinct corporate topics and picks among them', () => {
    expect(new Set(CONTEXT_TOPICS).size).toBeGreaterThanOrEqual(16);
    expect(CONTEXT_TOPICS).toContain(pickTopic(seededRng(5)));
    expect(pickTopic(() => 0.99999)).toBe(CONTEXT_TOPICS[CONTEXT_TOPICS.length - 1]);
  });
});
