import { describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { buildPrompt, excerpt, languageName, pickMannerisms } from '../../../src/machines/email/prompt.js';
import { seededRng } from '../../../src/domain/rng.js';

const sender: Persona = {
  name: 'Ana Souza',
  email: 'ana@acme.com',
  role: 'Finance Manager',
  tone: 'direct',
  mannerisms: ['opens with "Bom dia"', 'uses bullet lists', 'asks one question at the end', 'mentions the weather'],
  language: 'pt',
  signature: 'Ana Souza\nFinance Manager | ACME',
  active_hours: '09:00-18:00',
  reply_latency: 'fast',
  uses_llms_heavily: false,
};
const recipient: Persona = { ...sender, name: 'Bruno Lima', email: 'bruno@acme.com', role: 'IT Lead', signature: null };

const prompt = (over: Partial<Parameters<typeof buildPrompt>[0]> = {}) =>
  buildPrompt({
    sender,
    recipient,
    topic: 'the quarterly budget review',
    mannerisms: ['uses bullet lists', 'mentions the weather'],
    reply: null,
    ...over,
  });

describe('buildPrompt', () => {
  it("describes a custom tone with the persona's own words, on one line", () => {
    const p = prompt({ sender: { ...sender, tone: 'custom', tone_custom: '  dry,\nsarcastic and terse. ' } });
    expect(p).toContain('\nYour tone is dry, sarcastic and terse.\n');
    expect(p).not.toContain('custom');
  });

  it('names the sender with role and tone, and the recipient with role', () => {
    const p = prompt();
    expect(p).toContain('You are Ana Souza, Finance Manager.');
    expect(p).toContain('Write an email to Bruno Lima, IT Lead.');
    expect(p).toContain('Your tone is direct: direct and to the point.');
  });

  it('lists exactly the mannerisms chosen in code, and only those', () => {
    const p = prompt();
    expect(p).toContain('These habits of yours must show in the email:\n- uses bullet lists\n- mentions the weather');
    expect(p).not.toContain('Bom dia');
    expect(prompt({ mannerisms: [] })).not.toContain('habits');
  });

  it('states the topic and marks a new thread', () => {
    const p = prompt();
    expect(p).toContain('Topic: the quarterly budget review');
    expect(p).toContain('This is a new thread');
    expect(p).toContain('The subject is at most 80 characters');
  });

  it('carries the parent subject and an excerpt for a reply, and demands the normalised Re: subject', () => {
    const p = prompt({ reply: { parentSubject: 'RE: re: Budget Q3', parentBody: 'Hi Ana,\n> quoted old text\nthe numbers are late.' } });
    expect(p).toContain('The previous message had the subject "Budget Q3" and said:\n"Hi Ana, the numbers are late."');
    expect(p).toContain('The subject line must be exactly: Re: Budget Q3');
    expect(p).not.toContain('new thread');
    expect(p).not.toContain('quoted old text');
  });

  it('names the language and forbids code-switching', () => {
    expect(prompt()).toContain('in Portuguese. Do not switch to any other language, not even for a single word');
    expect(prompt({ sender: { ...sender, language: 'ja' } })).toContain('in Japanese.');
    expect(prompt({ sender: { ...sender, language: 'pt-BR' } })).toContain('in Portuguese.');
    expect(prompt({ sender: { ...sender, language: 'tlh' } })).toContain('in tlh.');
  });

  it('forbids em-dashes unless the persona uses LLMs heavily', () => {
    expect(prompt()).toMatch(/Never use em-dashes \(—\) or en-dashes \(–\)/);
    expect(prompt({ sender: { ...sender, uses_llms_heavily: true } })).not.toMatch(/em-dash/);
  });

  it('demands the exact signature, or a sign-off with the name when there is none', () => {
    expect(prompt()).toContain('End the email with exactly this signature, unchanged:\nAna Souza\nFinance Manager | ACME');
    expect(prompt({ sender: { ...sender, signature: null } })).toContain('Sign off with your name, Ana Souza.');
  });

  it('asks for the output format only, with no commentary or fences', () => {
    expect(prompt()).toMatch(
      /Output only the email: a first line "Subject: <subject>", one blank line, then the body\. No commentary.*no code fences\.$/,
    );
  });
});

describe('languageName', () => {
  it.each([
    ['en', 'English'],
    ['es', 'Spanish'],
    ['pt', 'Portuguese'],
    ['fr', 'French'],
    ['de', 'German'],
    ['it', 'Italian'],
    ['nl', 'Dutch'],
    ['ja', 'Japanese'],
    ['zh', 'Chinese'],
    ['DE', 'German'],
    ['zh-TW', 'Chinese'],
    ['sv', 'sv'],
  ])('%s → %s', (code, name) => expect(languageName(code)).toBe(name));
});

describe('pickMannerisms', () => {
  it('chooses two distinct mannerisms, or all of them when there are fewer', () => {
    const rng = seededRng(9);
    for (let i = 0; i < 50; i++) {
      const m = pickMannerisms(sender, rng);
      expect(m).toHaveLength(2);
      expect(new Set(m).size).toBe(2);
      for (const x of m) expect(sender.mannerisms).toContain(x);
    }
    expect(pickMannerisms({ mannerisms: ['only'] }, rng)).toEqual(['only']);
    expect(pickMannerisms({ mannerisms: [] }, rng)).toEqual([]);
  });
});

describe('excerpt', () => {
  it('shortens a long parent body', () => {
    const e = excerpt('word '.repeat(400));
    expect(Array.from(e).length).toBeLessThanOrEqual(601);
    expect(e.endsWith('…')).toBe(true);
  });
});
