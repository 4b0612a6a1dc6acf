// short, frequent function words: enough to tell a paragraph's language apart, not more
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'is', 'to', 'of', 'for', 'with', 'that', 'this', 'we', 'you', 'have', 'will', 'please', 'thanks'],
  es: ['el', 'la', 'los', 'las', 'que', 'de', 'y', 'para', 'con', 'por', 'una', 'es', 'gracias', 'saludos', 'hola'],
  pt: ['o', 'os', 'que', 'de', 'e', 'para', 'com', 'não', 'uma', 'é', 'obrigado', 'obrigada', 'você', 'olá', 'abraço'],
  fr: ['le', 'la', 'les', 'et', 'est', 'de', 'des', 'pour', 'avec', 'que', 'une', 'nous', 'vous', 'merci', 'bonjour'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'für', 'ein', 'eine', 'wir', 'sie', 'danke', 'bitte', 'grüße'],
  it: ['il', 'la', 'che', 'di', 'e', 'per', 'con', 'non', 'una', 'sono', 'grazie', 'ciao', 'saluti', 'della', 'anche'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'voor', 'met', 'niet', 'we', 'je', 'bedankt', 'groeten', 'graag'],
};

/**
 * The language of a text by script (ja: kana, zh: Han without kana) or by function words
 * (en, es, pt, fr, de, it, nl); null when the text is too short or too mixed to say.
 */
export function guessLanguage(text: string): string | null {
  const kana = (text.match(/[\u3040-\u30ff]/g) ?? []).length;
  const han = (text.match(/[\u4e00-\u9fff]/g) ?? []).length;
  if (kana >= 5) return 'ja';
  if (han >= 10) return 'zh';
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 12) return null;
  const scores = Object.entries(STOPWORDS)
    .map(([lang, list]) => [lang, words.filter((w) => list.includes(w)).length] as const)
    .sort((a, b) => b[1] - a[1]);
  const [best, second] = scores;
  if (!best || best[1] < 4) return null;
  return best[1] >= 2 * (second?.[1] ?? 0) ? best[0] : null;
}

/** The primary subtag of a language code: `pt-BR` → `pt`. */
export function primaryLanguage(code: string): string {
  return code.toLowerCase().split(/[-_]/)[0] ?? code.toLowerCase();
}
