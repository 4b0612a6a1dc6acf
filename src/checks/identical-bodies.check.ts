import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 'identical-bodies';
// shorter texts (an empty cache, "ok") repeat legitimately
const MIN_LENGTH = 24;
// admins copy scripts and cron files from box to box; people do not copy their notes
const COPIED_CLASSES = new Set(['script', 'cron']);

function norm(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Bodies that occur more than once: emails with the same text, or distinct files (not scripts or cron files) with the same content. */
export const identicalBodiesCheck: RealismCheck = {
  name: NAME,
  description: 'identical bodies across emails or across files',
  run(corpus) {
    const groups = new Map<string, string[]>();
    const add = (key: string, where: string) => groups.set(key, [...(groups.get(key) ?? []), where]);
    for (const e of corpus.emails) {
      if (e.success && e.body !== undefined && norm(e.body).length >= MIN_LENGTH) add(`email\u0000${norm(e.body)}`, e.messageId);
    }
    const files = new Map<string, string>();
    for (const f of corpus.files) {
      // a file seen through the store and through an event is one file, not two
      if (f.body !== undefined && !COPIED_CLASSES.has(f.contentClass)) files.set(`${f.deckyUuid}\u0000${f.path}`, f.body);
    }
    for (const [key, body] of files) if (norm(body).length >= MIN_LENGTH) add(`file\u0000${norm(body)}`, key.replace('\u0000', ':'));
    if (groups.size === 0) return skipped(NAME, '<=', 0, 'no bodies to compare (emails need --inspect-deckies)');
    const dupes = [...groups.values()].filter((g) => g.length > 1);
    return verdict(
      NAME,
      dupes.length,
      '<=',
      0,
      `${dupes.length} repeated bodies${dupes.length ? `: ${sample(dupes.map((g) => g.join(' = ')))}` : ''}`,
    );
  },
};
