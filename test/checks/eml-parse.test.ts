import { describe, expect, it } from 'vitest';
import { buildEml } from '../../src/infra/mail/eml.js';
import { decodeQuotedPrintable, header, headerCount, messageIds, parseEml } from '../../src/checks/eml-parse.js';
import { guessLanguage, primaryLanguage } from '../../src/checks/language-guess.js';

describe('parseEml', () => {
  it('reads what the EML builder writes: unfolded headers and the decoded body', () => {
    const refs = Array.from({ length: 6 }, (_, i) => `<${'a'.repeat(30)}${i}@corp.example>`);
    const eml = buildEml({
      from: { name: 'Zoë Ürban', email: 'zoe@corp.example' },
      to: { name: 'Bob', email: 'bob@corp.example' },
      subject: 'Grüße',
      body: 'Hallo Bob, schöne Grüße = gleich.\nZweite Zeile mit einer sehr langen Aussage, die über die sechsundsiebzig Zeichen einer Zeile hinausgeht.',
      date: new Date('2025-03-04T09:14:07Z'),
      timezone: 'Europe/Berlin',
      messageId: '<abc@corp.example>',
      inReplyTo: refs.at(-1)!,
      references: refs,
    });
    const parsed = parseEml(eml.bytes.toString('ascii'));
    expect(header(parsed.headers, 'date')).toBe('Tue, 04 Mar 2025 10:14:07 +0100');
    expect(messageIds(header(parsed.headers, 'references'))).toEqual(refs);
    expect(headerCount(parsed.headers, 'MIME-Version')).toBe(1);
    expect(parsed.body).toContain('schöne Grüße = gleich.');
    expect(parsed.body).toContain('sechsundsiebzig Zeichen einer Zeile hinausgeht.');
  });

  it('decodes a base64 body and survives garbage without throwing', () => {
    const b64 = `Content-Transfer-Encoding: base64\r\n\r\n${Buffer.from('hello there').toString('base64')}\r\n`;
    expect(parseEml(b64).body).toBe('hello there');
    expect(parseEml('no headers at all').headers).toEqual([]);
    expect(parseEml('').body).toBe('');
    expect(decodeQuotedPrintable('=ZZ=C3=A9=\nx')).toBe('=ZZéx');
  });
});

describe('guessLanguage', () => {
  it('tells the office languages apart on a paragraph', () => {
    expect(
      guessLanguage(
        'Thanks for the update. We will have the report ready for the meeting and I will send it to you with the notes that we have.',
      ),
    ).toBe('en');
    expect(
      guessLanguage(
        'Hola, gracias por la información. Para el lunes tenemos que revisar los datos con el equipo y una propuesta para la reunión.',
      ),
    ).toBe('es');
    expect(
      guessLanguage(
        'Bonjour, merci pour le message. Nous avons la liste des points pour la réunion et une proposition pour vous avec les chiffres.',
      ),
    ).toBe('fr');
    expect(
      guessLanguage(
        'Hallo, danke für die Nachricht. Wir haben die Liste und eine Idee für die Besprechung, bitte schick mir die Zahlen nicht zu spät.',
      ),
    ).toBe('de');
    expect(guessLanguage('お疲れ様です。来週の会議の資料を送りますので、確認をお願いします。')).toBe('ja');
    expect(guessLanguage('各位好，附件是下周会议的资料，请大家在周五之前确认并回复。')).toBe('zh');
  });

  it('says nothing about a text too short or too mixed to judge', () => {
    expect(guessLanguage('ok, thanks')).toBeNull();
    expect(guessLanguage('')).toBeNull();
  });

  it('reduces region subtags', () => {
    expect(primaryLanguage('pt-BR')).toBe('pt');
    expect(primaryLanguage('EN_gb')).toBe('en');
  });
});
