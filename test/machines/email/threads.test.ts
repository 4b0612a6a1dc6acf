import { describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { seededRng } from '../../../src/domain/rng.js';
import {
  REPLY_PROBABILITY,
  buildReferences,
  capReferences,
  pickRecipient,
  replySubject,
  threadSubject,
  stripReplyPrefixes,
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

describe('REPLY_PROBABILITY', () => {
  it('answers an existing thread 6 times in 10 (SPEC §6.3)', () => {
    expect(REPLY_PROBABILITY).toBe(0.6);
  });
});

describe('References', () => {
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
});

describe('topics', () => {
  it('offers at least 16 distinct corporate topics and picks among them', () => {
    expect(new Set(CONTEXT_TOPICS).size).toBeGreaterThanOrEqual(16);
    expect(CONTEXT_TOPICS).toContain(pickTopic(seededRng(5)));
    expect(pickTopic(() => 0.99999)).toBe(CONTEXT_TOPICS[CONTEXT_TOPICS.length - 1]);
  });
});
