import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, cleanSubject, parseEmailOutput, utf8Length } from '../../../src/machines/email/parse-output.js';

const plain = { usesLlmsHeavily: false };
const heavy = { usesLlmsHeavily: true };

describe('parseEmailOutput', () => {
  it('splits the subject line from the body', () => {
    expect(parseEmailOutput('Subject: Budget review\n\nHi Ana,\n\nSee you Friday.\n\nBruno', plain)).toEqual({
      subject: 'Budget review',
      body: 'Hi Ana,\n\nSee you Friday.\n\nBruno',
      subjectFound: true,
      truncated: false,
    });
  });

  it('strips code fences around the email', () => {
    const out = parseEmailOutput('```text\nSubject: Fenced\n\nBody line\n```', plain);
    expect(out).toMatchObject({ subject: 'Fenced', body: 'Body line' });
  });

  it('strips a chatty preamble and a chatty closing note', () => {
    const raw =
      "Sure, here's the email:\n\n```\nSubject: Server maintenance\n\nHi team,\nWe patch on Saturday.\n\nRegards,\nIvo\n```\n\nLet me know if you'd like any changes to the tone!";
    expect(parseEmailOutput(raw, plain)).toMatchObject({
      subject: 'Server maintenance',
      body: 'Hi team,\nWe patch on Saturday.\n\nRegards,\nIvo',
    });
  });

  it('drops text before the subject line even without fences', () => {
    const out = parseEmailOutput('Certainly! Here is a draft.\n**Subject:** Travel plans\n\nHallo Jan,\nbis morgen.', plain);
    expect(out).toMatchObject({ subject: 'Travel plans', body: 'Hallo Jan,\nbis morgen.', subjectFound: true });
  });

  it('drops a trailing note about the draft but keeps an ordinary closing line', () => {
    const out = parseEmailOutput('Subject: X\n\nPlease review.\n\nLet me know if you have questions.\n\nNote: I kept it short.', plain);
    expect(out.body).toBe('Please review.\n\nLet me know if you have questions.');
  });

  it('understands a translated subject label', () => {
    expect(parseEmailOutput('Betreff: Urlaubsvertretung\n\nHallo', plain).subject).toBe('Urlaubsvertretung');
    expect(parseEmailOutput('件名：会議の件\n\nお疲れ様です。', plain)).toMatchObject({ subject: '会議の件', body: 'お疲れ様です。' });
  });

  it('falls back to "Business Communication" when there is no subject', () => {
    expect(parseEmailOutput("Here's the email:\nHi Bob,\nall good.", plain)).toEqual({
      subject: 'Business Communication',
      body: 'Hi Bob,\nall good.',
      subjectFound: false,
      truncated: false,
    });
    expect(parseEmailOutput('Subject:   \n\nHi', plain).subject).toBe('Business Communication');
  });

  it('keeps the subject to one line of at most 80 characters', () => {
    const long = `Subject: ${'Quarterly budget review and forecast alignment '.repeat(4)}\n\nbody`;
    const s = parseEmailOutput(long, plain).subject;
    expect(Array.from(s).length).toBeLessThanOrEqual(80);
    expect(s).not.toMatch(/\s$/);
    expect(s.startsWith('Quarterly budget review')).toBe(true);
    expect(cleanSubject('"Quoted\tsubject\u0000"')).toBe('Quoted subject');
  });

  it('caps the body so a megabyte answer does not make a megabyte email', () => {
    const out = parseEmailOutput(`Subject: big\n\n${'Lorem ipsum dolor sit amet. '.repeat(40_000)}`, plain);
    expect(out.truncated).toBe(true);
    expect(utf8Length(out.body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const cjk = parseEmailOutput(`Subject: big\n\n${'漢'.repeat(10_000)}`, { ...plain, maxBodyBytes: 100 });
    expect(cjk.body).toBe('漢'.repeat(33));
  });

  it('removes em-dashes and en-dashes from the body and subject of a persona that does not use LLMs heavily', () => {
    const raw = 'Subject: Budget — next steps\n\nThe numbers—as you know—are late.\nOffice hours 9–5, Paris–Berlin route.\n— Ana';
    const out = parseEmailOutput(raw, plain);
    expect(out.body).not.toMatch(/[\u2012-\u2015]/);
    expect(out.subject).toBe('Budget, next steps');
    expect(out.body).toBe('The numbers, as you know, are late.\nOffice hours 9-5, Paris-Berlin route.\n- Ana');
  });

  it('keeps dashes for a persona that uses LLMs heavily', () => {
    expect(parseEmailOutput('Subject: A — B\n\nx — y', heavy)).toMatchObject({ subject: 'A — B', body: 'x — y' });
  });

  it('normalises line endings and removes control characters', () => {
    expect(parseEmailOutput('Subject: a\r\n\r\nline1\r\nline2\u0000\u0007', plain).body).toBe('line1\nline2');
  });
});
