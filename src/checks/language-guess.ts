import { francAll } from 'franc';
import { FRANC_CODES } from './language-codes.js';

// franc needs some text: below this many characters it answers `und` (the old 12-word floor, about)
const MIN_CHARS = 25;
// a declared language scoring this close to the best model is not "clearly another language":
// neighbours (pt/gl, da/nb, en/sco) score within a few hundredths of each other
const CLOSE_ENOUGH = 0.9;
/** The languages SPEC §6.4 names: always among the candidates a body is judged against. */
const CORE = ['en', 'es', 'pt', 'fr', 'de', 'it', 'nl', 'ja', 'zh'] as const;

const FROM_FRANC = new Map(Object.entries(FRANC_CODES).map(([one, three]) => [three, one] as const));
// `no` and `nb` share a model; the canonical answer is the code personas write most
FROM_FRANC.set('nob', 'no');

/** The primary subtag of a language code: `pt-BR` → `pt`. */
export function primaryLanguage(code: string): string {
  return code.toLowerCase().split(/[-_]/)[0] ?? code.toLowerCase();
}

/** True when a text in `code` (any case, any region subtag) can be recognised at all. */
export function isRecognisable(code: string): boolean {
  return primaryLanguage(code) in FRANC_CODES;
}

/**
 * The language a text reads as (its ISO 639-1 code) among `candidates` (ISO 639-1, region
 * subtags ignored; default: every recognisable language), or null when the text is too short or
 * the best two candidates are too close to call.
 */
export function guessLanguage(text: string, candidates?: readonly string[]): string | null {
  const scores = score(text, candidates);
  const [best, second] = scores;
  if (!best || best[0] === 'und') return null;
  if (second && second[1] >= CLOSE_ENOUGH) return null;
  return FROM_FRANC.get(best[0]) ?? null;
}

/** How a body compares with the language its persona declared. */
type LanguageReading =
  | { verdict: 'declared' }
  | { verdict: 'other'; language: string }
  | { verdict: 'unsure' }
  | { verdict: 'unrecognisable' };

/**
 * Whether `text` reads as `declared`, judged against the core languages and `others` (the other
 * languages of the same corpus): `other` only when another language clearly wins.
 */
export function readLanguage(text: string, declared: string, others: readonly string[] = []): LanguageReading {
  const own = FRANC_CODES[primaryLanguage(declared)];
  if (!own) return { verdict: 'unrecognisable' };
  const scores = score(text, [declared, ...others, ...CORE]);
  const best = scores[0];
  if (!best || best[0] === 'und') return { verdict: 'unsure' };
  if (best[0] === own) return { verdict: 'declared' };
  const ownScore = scores.find(([code]) => code === own)?.[1] ?? 0;
  if (ownScore >= CLOSE_ENOUGH) return { verdict: 'declared' };
  return { verdict: 'other', language: FROM_FRANC.get(best[0]) ?? best[0] };
}

function score(text: string, candidates: readonly string[] | undefined): [string, number][] {
  const only = candidates ? [...new Set(candidates.map((c) => FRANC_CODES[primaryLanguage(c)]).filter((c) => c !== undefined))] : undefined;
  return francAll(text, only ? { minLength: MIN_CHARS, only } : { minLength: MIN_CHARS, only: [...FROM_FRANC.keys()] });
}
