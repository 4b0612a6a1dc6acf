import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 'em-dash-rate';
// an em dash, or an en dash used as one (spaced): what models write and keyboards rarely do
const DASH = /\u2014|\u2015| \u2013 /;

/** Share of a persona's emails with an em-dash, for personas that do not use LLMs heavily (SPEC §6.4). */
export const emDashCheck: RealismCheck = {
  name: NAME,
  description: 'em-dash rate per persona that does not use LLMs heavily',
  run(corpus) {
    const perPersona = new Map<string, { total: number; dashed: number }>();
    for (const e of corpus.emails) {
      const text = e.body ?? e.excerpt;
      if (!e.success || text === undefined) continue;
      const sender = e.sender.toLowerCase();
      if (corpus.personas.get(sender)?.usesLlmsHeavily) continue;
      const s = perPersona.get(sender) ?? { total: 0, dashed: 0 };
      s.total += 1;
      if (DASH.test(text)) s.dashed += 1;
      perPersona.set(sender, s);
    }
    if (perPersona.size === 0) return skipped(NAME, '<=', 0, 'no email bodies or excerpts to read');
    const rates = [...perPersona].map(([p, s]) => [p, s.dashed / s.total] as const).sort((a, b) => b[1] - a[1]);
    const worst = rates[0]!;
    const offenders = rates.filter(([, r]) => r > 0).map(([p, r]) => `${p} ${(r * 100).toFixed(1)}%`);
    return verdict(
      NAME,
      worst[1],
      '<=',
      0,
      offenders.length ? `with em-dashes: ${sample(offenders)}` : `${rates.length} personas, none with em-dashes`,
    );
  },
};
