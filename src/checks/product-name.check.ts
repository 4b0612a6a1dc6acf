import { type RealismCheck, sample, verdict } from './corpus.js';

const NAME = 'product-name-visible';
const WORD = /decnet/i;

/**
 * The string `decnet` anywhere an attacker on a decky can read it: the spool root and spool
 * paths, file paths and bodies, subjects, bodies and raw messages. The default spool root
 * (/var/spool/decnet-emails) is flagged on purpose so the operator sets DECNET_SPOOL_ROOT.
 */
export const productNameCheck: RealismCheck = {
  name: NAME,
  description: 'the string "decnet" in any artifact an attacker can read',
  run(corpus) {
    const hits: string[] = [];
    if (WORD.test(corpus.spoolRoot)) hits.push(`spool root ${corpus.spoolRoot} (set DECNET_SPOOL_ROOT)`);
    for (const e of corpus.emails) {
      if (!e.success) continue;
      // the spool root is reported once above, not once per message
      const ownPath = e.emlPath.startsWith(corpus.spoolRoot) ? e.emlPath.slice(corpus.spoolRoot.length) : e.emlPath;
      if (WORD.test(ownPath)) hits.push(`eml path ${e.emlPath}`);
      if (WORD.test(e.subject)) hits.push(`subject of ${e.messageId}`);
      if (e.body !== undefined && WORD.test(e.body)) hits.push(`body of ${e.messageId}`);
      else if (e.eml !== undefined && WORD.test(e.eml)) hits.push(`message ${e.messageId}`);
    }
    for (const f of corpus.files) {
      if (WORD.test(f.path)) hits.push(`path ${f.path}`);
      else if (f.body !== undefined && WORD.test(f.body)) hits.push(`body of ${f.path}`);
    }
    return verdict(NAME, hits.length, '<=', 0, hits.length ? sample(hits) : 'not found');
  },
};
