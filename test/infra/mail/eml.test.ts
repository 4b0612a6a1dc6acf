import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { EmlError } from '../../../src/infra/mail/eml-error.js';
import { emlFileName } from '../../../src/infra/mail/eml-path.js';
import { type EmlInput, buildEml, formatAddress, newMessageId, sanitizeHeaderText } from '../../../src/infra/mail/eml.js';

const ana = { name: 'Ana Souza', email: 'ana@acme-corp.com' };
const bruno = { name: 'Bruno Lima', email: 'bruno@acme-corp.com' };
const base: EmlInput = {
  from: ana,
  to: bruno,
  subject: 'Budget review',
  body: 'Hi Bruno,\n\nthe figures are in.\n\nAna',
  date: new Date('2026-03-03T08:14:07.654Z'),
  timezone: 'Europe/Berlin',
  messageId: '<0123456789abcdef0123456789abcdef@acme-corp.com>',
};
const raw = (input: Partial<EmlInput> = {}) => buildEml({ ...base, ...input }).bytes.toString('latin1');
const parse = (input: Partial<EmlInput> = {}) => simpleParser(buildEml({ ...base, ...input }).bytes);
const headerNames = (text: string) =>
  text
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());

describe('buildEml', () => {
  it('writes a message a MIME parser reads back field by field', async () => {
    const mail = await parse();
    expect(mail.from?.value).toEqual([{ name: 'Ana Souza', address: 'ana@acme-corp.com' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : null).toEqual([{ name: 'Bruno Lima', address: 'bruno@acme-corp.com' }]);
    expect(mail.subject).toBe('Budget review');
    expect(mail.messageId).toBe(base.messageId);
    expect(mail.date?.toISOString()).toBe('2026-03-03T08:14:07.000Z');
    expect(mail.text).toBe('Hi Bruno,\n\nthe figures are in.\n\nAna\n');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'text/plain', params: { charset: 'utf-8' } });
  });

  it('has exactly one MIME-Version, quoted-printable text, no base64 and CRLF line ends only', () => {
    const text = raw({ body: 'Olá — ção\n'.repeat(20) });
    expect(text.match(/^MIME-Version: 1\.0$/gim)).toHaveLength(1);
    expect(text).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(text).toContain('\r\nContent-Transfer-Encoding: quoted-printable\r\n');
    expect(text).not.toMatch(/base64/i);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('is 7-bit clean bytes whatever the body holds', () => {
    const bytes = buildEml({ ...base, subject: '会議の件', from: { name: 'Zoë', email: ana.email }, body: '漢字とかな — émoji 🎉' }).bytes;
    expect([...bytes].every((b) => b < 128)).toBe(true);
  });

  it("dates the message in the sender's zone offset, whole seconds", () => {
    expect(raw()).toContain('\r\nDate: Tue, 03 Mar 2026 09:14:07 +0100\r\n');
    expect(raw({ date: new Date('2026-07-03T08:14:07Z') })).toContain('Date: Fri, 03 Jul 2026 10:14:07 +0200');
    expect(raw({ timezone: 'America/New_York' })).toContain('Date: Tue, 03 Mar 2026 03:14:07 -0500');
    expect(raw({ timezone: 'Asia/Kolkata' })).toContain('Date: Tue, 03 Mar 2026 13:44:07 +0530');
    expect(raw({ timezone: 'UTC' })).toContain('Date: Tue, 03 Mar 2026 08:14:07 +0000');
    expect(raw({ timezone: 'UTC' })).not.toContain('-0000');
    const { headers } = buildEml(base);
    expect(headers.sentAt.toISOString()).toBe('2026-03-03T08:14:07.000Z');
    expect(headers.date).toBe('Tue, 03 Mar 2026 09:14:07 +0100');
  });

  it('crosses the date line with the offset', () => {
    expect(raw({ date: new Date('2026-03-03T23:30:00Z'), timezone: 'Asia/Tokyo' })).toContain('Date: Wed, 04 Mar 2026 08:30:00 +0900');
  });

  it('encodes non-ASCII subjects and display names per RFC 2047 and they decode back', async () => {
    const subject = 'Re: Reunião de orçamento — próximos passos para o trimestre que vem e além disso';
    const mail = await parse({ subject, from: { name: 'João Ñúñez', email: ana.email }, to: { name: '山田 太郎', email: bruno.email } });
    expect(mail.subject).toBe(subject);
    expect(mail.from?.value[0]?.name).toBe('João Ñúñez');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : null).toBe('山田 太郎');
    const text = raw({ subject });
    expect(text).toMatch(/\r\nSubject: Re: =\?UTF-8\?[QB]\?/);
    expect(text).toMatch(/\r\n =\?UTF-8\?[QB]\?/); // folded over more than one line
  });

  it('folds long encoded names and subjects within 78 characters per line and decodes them back', async () => {
    const name = 'Åsa Ñúñez-Øster '.repeat(8).trim();
    const subject = 'Überprüfung der Zugänge für das nächste Quartal und die Änderungen am Prozess';
    const text = raw({ from: { name, email: ana.email }, to: { name, email: bruno.email }, subject });
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const mail = await parse({ from: { name, email: ana.email }, subject });
    expect(mail.from?.value[0]).toEqual({ name, address: ana.email });
    expect(mail.subject).toBe(subject);
  });

  it('quotes display names with specials and escapes quotes', async () => {
    expect(formatAddress({ name: 'Souza, Ana', email: ana.email })).toBe('"Souza, Ana" <ana@acme-corp.com>');
    expect(formatAddress({ name: 'Ana "The Boss" S.', email: ana.email })).toBe('"Ana \\"The Boss\\" S." <ana@acme-corp.com>');
    expect(formatAddress({ name: '', email: ana.email })).toBe('ana@acme-corp.com');
    const mail = await parse({ from: { name: 'Souza, Ana', email: ana.email } });
    expect(mail.from?.value).toEqual([{ name: 'Souza, Ana', address: 'ana@acme-corp.com' }]);
  });

  it('sets In-Reply-To and the full References chain on replies', async () => {
    const refs = ['<a1@acme-corp.com>', '<b2@acme-corp.com>', '<c3@acme-corp.com>'];
    const mail = await parse({ inReplyTo: '<c3@acme-corp.com>', references: refs });
    expect(mail.inReplyTo).toBe('<c3@acme-corp.com>');
    expect(mail.references).toEqual(refs);
    const plain = await parse();
    expect(plain.inReplyTo).toBeUndefined();
    expect(plain.references).toBeUndefined();
  });

  it('folds a long References header into lines a parser rejoins', async () => {
    const refs = Array.from({ length: 30 }, (_, i) => `<${i.toString(16).padStart(32, '0')}@acme-corp.com>`);
    const text = raw({ inReplyTo: refs[29], references: refs });
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect((await parse({ inReplyTo: refs[29], references: refs })).references).toEqual(refs);
  });

  it('appends the parent to References when the caller left it out, and drops malformed references', () => {
    const { headers } = buildEml({ ...base, inReplyTo: '<p@acme-corp.com>', references: ['<r@acme-corp.com>', 'garbage', '<x y@z>'] });
    expect(headers.references).toEqual(['<r@acme-corp.com>', '<p@acme-corp.com>']);
  });

  it('adds Content-Language for a valid language code only', () => {
    expect(raw({ language: 'pt-BR' })).toContain('\r\nContent-Language: pt-BR\r\n');
    expect(raw({ language: 'x\r\nBcc: a@b.c' })).not.toContain('Content-Language');
  });

  it('round-trips bodies that stress quoted-printable', async () => {
    const body = [
      'a=b and =?UTF-8?Q?x?= and 100% sure',
      'trailing spaces   ',
      `${'long line without breaks '.repeat(12)}end`,
      `${'x'.repeat(200)}`,
      'tab\tinside and trailing tab\t',
      'ümlauts, ñ, 漢字, emoji 🎉',
      '.',
      'From the desk of Ana',
      '',
    ].join('\n');
    const mail = await parse({ body });
    expect(mail.text).toBe(body);
  });

  it('never starts a new header from CR, LF or NUL in a name or subject', async () => {
    const attempts = ['Bob\r\nBcc: victim@evil.com', 'Bob\nBcc: victim@evil.com', 'Bob\rBcc: victim@evil.com', 'Bob\u0000\r\nX-Evil: 1'];
    for (const attack of attempts) {
      const input = { from: { name: attack, email: ana.email }, to: { name: attack, email: bruno.email }, subject: attack };
      const text = raw(input);
      expect(headerNames(text)).toEqual([
        'message-id',
        'date',
        'mime-version',
        'from',
        'to',
        'subject',
        'content-type',
        'content-transfer-encoding',
      ]);
      const mail = await parse(input);
      expect(mail.headers.has('bcc')).toBe(false);
      expect(mail.headers.has('x-evil')).toBe(false);
      expect(mail.subject).not.toMatch(/[\r\n\0]/);
    }
  });

  it('keeps an address DECNET accepts but a header cannot hold raw on one line, quoted, without injecting a header', async () => {
    // DECNET splits at the last @, so these are valid persona addresses; they must still never open a header
    const odd = ['ana@acme.com\r\nBcc: victim@evil.com', 'ana@acme.com>, <x@evil.com', 'a b@c.com', 'ana"\\x@acme.com'];
    for (const email of odd) {
      for (const input of [{ from: { name: 'Ana', email } }, { to: { name: 'Ana', email } }]) {
        const text = raw(input);
        expect(headerNames(text)).toEqual([
          'message-id',
          'date',
          'mime-version',
          'from',
          'to',
          'subject',
          'content-type',
          'content-transfer-encoding',
        ]);
        const mail = await parse(input);
        expect(mail.headers.has('bcc')).toBe(false);
        const box = 'from' in input ? mail.from : mail.to;
        expect(box && !Array.isArray(box) ? box.value : []).toHaveLength(1);
      }
    }
    expect(formatAddress({ name: 'Ana', email: 'a b@c.com' })).toBe('Ana <"a b"@c.com>');
    expect(formatAddress({ name: '', email: 'ana@acme.com\r\nBcc: victim@evil.com' })).toBe('"ana@acme.com Bcc: victim"@evil.com');
  });

  it('writes a non-ASCII address as UTF-8 (RFC 6532) and an IDN domain as punycode', async () => {
    expect(formatAddress({ name: 'Zoë', email: 'zoë@exämple.com' })).toBe('=?UTF-8?Q?Zo=C3=AB?= <zoë@xn--exmple-cua.com>');
    const bytes = buildEml({ ...base, from: { name: 'Zoë', email: 'zoë@exämple.com' } }).bytes;
    expect(bytes.toString('utf8')).toContain('\r\nFrom: =?UTF-8?Q?Zo=C3=AB?= <zoë@xn--exmple-cua.com>\r\n');
    expect((await simpleParser(bytes)).from?.value).toHaveLength(1);
  });

  it('refuses an address DECNET refuses too', () => {
    for (const email of ['no-at-sign', '@acme.com', 'ana@localhost', 'ana@']) {
      expect(() => buildEml({ ...base, from: { name: 'Ana', email } })).toThrow(EmlError);
      expect(() => buildEml({ ...base, to: { name: 'Ana', email } })).toThrow(/invalid address/);
    }
  });

  it('refuses malformed Message-ID and In-Reply-To values and unknown zones', () => {
    expect(() => buildEml({ ...base, messageId: '<x@y.com>\r\nBcc: a@b.c' })).toThrow(
      expect.objectContaining({ code: 'EML_INVALID_MESSAGE_ID' }),
    );
    expect(() => buildEml({ ...base, messageId: 'x@y.com' })).toThrow(EmlError);
    expect(() => buildEml({ ...base, inReplyTo: '<a@b.c> <d@e.f>' })).toThrow(EmlError);
    expect(() => buildEml({ ...base, timezone: 'Mars/Base' })).toThrow(expect.objectContaining({ code: 'EML_INVALID_ZONE' }));
  });

  it('encodes an ASCII subject that looks like an encoded-word, so it reads back literally', async () => {
    const subject = '=?UTF-8?Q?Bcc=3A_x?= report';
    expect((await parse({ subject })).subject).toBe(subject);
  });

  it('does not mention the product anywhere in the message', () => {
    expect(raw({ inReplyTo: '<p@acme-corp.com>', language: 'en' }).toLowerCase()).not.toContain('decnet');
  });
});

describe('sanitizeHeaderText', () => {
  it('turns every control and line separator into a single space', () => {
    expect(sanitizeHeaderText(' a\r\nb\u0000c\u2028d\te\u0085f ')).toBe('a b c d e f');
  });
});

describe('newMessageId', () => {
  it("is <32 hex@sender's domain> from the given random bytes", () => {
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    expect(newMessageId('Ana@ACME-Corp.com', bytes)).toBe('<000102030405060708090a0b0c0d0e0f@acme-corp.com>');
    expect(newMessageId('ana@acme.com')).toMatch(/^<[0-9a-f]{32}@acme\.com>$/);
    expect(newMessageId('ana@acme.com')).not.toBe(newMessageId('ana@acme.com'));
  });

  it('falls back to a plain host when the domain cannot name one, so the spool file name stays safe', () => {
    const bytes = (n: number) => new Uint8Array(n);
    const zeros = '00000000000000000000000000000000';
    expect(newMessageId('ana@acme.com/../../x', bytes)).toBe(`<${zeros}@localhost.localdomain>`);
    expect(newMessageId('ana@acme.com\r\nBcc: x@evil.com', bytes)).toBe(`<${zeros}@evil.com>`);
    expect(newMessageId(`a@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`, bytes)).toBe(`<${zeros}@localhost.localdomain>`);
    expect(newMessageId('zoë@Exämple.com', bytes)).toBe(`<${zeros}@xn--exmple-cua.com>`);
    for (const email of ['ana@acme.com/../../x', 'a@b@c.d', 'x@.', 'x@a .com', `a@${'d'.repeat(200)}.com`]) {
      expect(() => emlFileName(newMessageId(email))).not.toThrow();
    }
  });

  it('refuses a sender address DECNET refuses', () => {
    expect(() => newMessageId('ana@localhost')).toThrow(EmlError);
  });
});
