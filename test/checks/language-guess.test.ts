import { describe, expect, it } from 'vitest';
import { FRANC_CODES } from '../../src/checks/language-codes.js';
import { guessLanguage, isRecognisable, readLanguage } from '../../src/checks/language-guess.js';

const DANISH = 'Hej alle, tak for rapporten. Vi gennemgår tallene i morgen tidlig og sender derefter forslaget til kunden.';
const BODIES: Record<string, string> = {
  fi: 'Hei kaikki, kiitos raportista. Käymme luvut läpi huomenna aamulla ja lähetämme sitten ehdotuksen asiakkaalle.',
  he: 'שלום לכולם, תודה על הדוח. נעבור על המספרים מחר בבוקר ואז נשלח את ההצעה ללקוח.',
  ru: 'Всем привет, спасибо за отчёт. Завтра утром посмотрим цифры и потом отправим предложение клиенту.',
  ko: '안녕하세요 여러분, 보고서 감사합니다. 내일 아침에 수치를 검토하고 고객에게 제안서를 보내겠습니다.',
  pl: 'Cześć wszystkim, dzięki za raport. Jutro rano przejrzymy liczby, a potem wyślemy propozycję do klienta.',
  tr: 'Herkese merhaba, rapor için teşekkürler. Yarın sabah rakamları gözden geçirip teklifi müşteriye göndereceğiz.',
};
const ENGLISH = 'Hi all, thanks for the report. We will go through the numbers tomorrow morning and then send the proposal to the client.';
const PORTUGUESE =
  'Olá equipe, obrigado pelo relatório. Vamos revisar os números amanhã de manhã e depois enviamos a proposta para o cliente.';
const NORWEGIAN = 'Hei alle sammen, takk for rapporten. Vi går gjennom tallene i morgen tidlig og sender deretter forslaget til kunden.';

describe('guessLanguage', () => {
  it('recognises languages beyond the nine the prompt names, by script or by trigrams', () => {
    // among a corpus's own languages, as the check asks (over all 185, ru and bg tie on short text)
    for (const [lang, body] of Object.entries(BODIES)) expect(guessLanguage(body, [lang, 'en', 'de', 'fr', 'es']), lang).toBe(lang);
    expect(guessLanguage(BODIES.ko as string), 'ko by script').toBe('ko');
    expect(guessLanguage(BODIES.he as string), 'he by script').toBe('he');
  });

  it('refuses to call neighbours it cannot tell apart instead of guessing one', () => {
    // Portuguese and Galician, Danish and Norwegian score within a few hundredths of each other
    expect(guessLanguage(PORTUGUESE)).toBeNull();
    expect(guessLanguage(DANISH)).toBeNull();
    // among the languages a corpus actually holds, they are told apart
    expect(guessLanguage(PORTUGUESE, ['pt', 'en', 'fr'])).toBe('pt');
    expect(guessLanguage(DANISH, ['da', 'en', 'de'])).toBe('da');
  });
});

describe('readLanguage', () => {
  it('accepts a body in the declared language, whatever its region subtag or alias', () => {
    expect(readLanguage(PORTUGUESE, 'pt-BR')).toEqual({ verdict: 'declared' });
    expect(readLanguage(NORWEGIAN, 'nb')).toEqual({ verdict: 'declared' });
    expect(readLanguage(NORWEGIAN, 'no', ['da'])).toEqual({ verdict: 'declared' });
    expect(readLanguage(DANISH, 'da', ['no'])).toEqual({ verdict: 'declared' });
    expect(readLanguage(BODIES.fi as string, 'FI')).toEqual({ verdict: 'declared' });
  });

  it('names the language a body clearly reads as when it is not the declared one', () => {
    expect(readLanguage(ENGLISH, 'fi')).toEqual({ verdict: 'other', language: 'en' });
    expect(readLanguage(BODIES.ru as string, 'pl', ['ru'])).toEqual({ verdict: 'other', language: 'ru' });
  });

  it('says unsure for text too short to judge, and unrecognisable for a language without a model', () => {
    expect(readLanguage('ok, thanks', 'en')).toEqual({ verdict: 'unsure' });
    expect(readLanguage(ENGLISH, 'ga')).toEqual({ verdict: 'unrecognisable' });
    expect(isRecognisable('ga')).toBe(false);
    expect(isRecognisable('pt-BR')).toBe(true);
  });

  it('has a model for every language the prompt names and for the common office languages', () => {
    for (const code of [
      'en',
      'es',
      'pt',
      'fr',
      'de',
      'it',
      'nl',
      'ja',
      'zh',
      'da',
      'sv',
      'no',
      'fi',
      'pl',
      'cs',
      'ru',
      'uk',
      'tr',
      'ar',
      'he',
      'ko',
      'hi',
      'ca',
    ]) {
      expect(FRANC_CODES[code], code).toBeDefined();
    }
  });
});
