import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { primaryLanguage, readLanguage } from './language-guess.js';

const NAME = 'language-switch';

/**
 * Personas that write in more than one language: different stored languages, or a body that
 * reads clearly as another language than the one the persona declares. Bodies in a language no
 * model recognises are counted and named in the detail, never silently passed.
 */
export const languageSwitchCheck: RealismCheck = {
  name: NAME,
  description: 'language switches inside one persona',
  run(corpus) {
    const declaredOf = (sender: string, stored: string) => stored || corpus.personas.get(sender)?.language || 'und';
    const corpusLanguages = [...new Set(corpus.emails.map((e) => primaryLanguage(declaredOf(e.sender.toLowerCase(), e.language))))];
    const seen = new Map<string, Set<string>>();
    const unjudged = new Map<string, number>();
    for (const e of corpus.emails) {
      if (!e.success) continue;
      const sender = e.sender.toLowerCase();
      const declared = declaredOf(sender, e.language);
      const langs = seen.get(sender) ?? new Set<string>();
      langs.add(primaryLanguage(declared));
      seen.set(sender, langs);
      const text = e.body ?? e.excerpt;
      if (text === undefined) continue;
      const reading = readLanguage(text, declared, corpusLanguages);
      if (reading.verdict === 'other') langs.add(reading.language);
      else if (reading.verdict === 'unrecognisable')
        unjudged.set(primaryLanguage(declared), (unjudged.get(primaryLanguage(declared)) ?? 0) + 1);
    }
    if (seen.size === 0) return skipped(NAME, '<=', 0, 'no emails');
    const switching = [...seen].filter(([, langs]) => langs.size > 1).map(([p, langs]) => `${p} (${[...langs].join('/')})`);
    const notJudged = [...unjudged].map(([lang, n]) => `${n} in ${lang}`);
    const tail = notJudged.length ? `; bodies not judged (no model for the language): ${notJudged.join(', ')}` : '';
    return verdict(
      NAME,
      switching.length,
      '<=',
      0,
      `${switching.length} of ${seen.size} personas${switching.length ? `: ${sample(switching)}` : ''}${tail}`,
    );
  },
};
