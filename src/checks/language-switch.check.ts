import { type RealismCheck, sample, skipped, verdict } from './corpus.js';
import { guessLanguage, primaryLanguage } from './language-guess.js';

const NAME = 'language-switch';

/**
 * Personas that write in more than one language: different stored languages, or a body that
 * reads clearly as another language than the one the persona writes in.
 */
export const languageSwitchCheck: RealismCheck = {
  name: NAME,
  description: 'language switches inside one persona',
  run(corpus) {
    const seen = new Map<string, Set<string>>();
    for (const e of corpus.emails) {
      if (!e.success) continue;
      const sender = e.sender.toLowerCase();
      const langs = seen.get(sender) ?? new Set<string>();
      langs.add(primaryLanguage(e.language || corpus.personas.get(sender)?.language || 'und'));
      const text = e.body ?? e.excerpt;
      const guessed = text === undefined ? null : guessLanguage(text);
      if (guessed) langs.add(guessed);
      seen.set(sender, langs);
    }
    if (seen.size === 0) return skipped(NAME, '<=', 0, 'no emails');
    const switching = [...seen].filter(([, langs]) => langs.size > 1).map(([p, langs]) => `${p} (${[...langs].join('/')})`);
    return verdict(NAME, switching.length, '<=', 0, `${switching.length} of ${seen.size} personas${switching.length ? `: ${sample(switching)}` : ''}`);
  },
};
