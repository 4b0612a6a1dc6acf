import { hasEpochLikeName } from '../machines/realism/file-names.js';
import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 'epoch-file-names';

/**
 * Files whose path carries an epoch-like number (`\d{9,11}`, e.g. the §3.2 baseline's
 * `notes-1777315854.txt`): people and logrotate never name files that way.
 */
export const epochNamesCheck: RealismCheck = {
  name: NAME,
  description: 'epoch-like numbers in file names',
  run(corpus) {
    const paths = new Set(corpus.files.map((f) => `${f.deckyUuid}\u0000${f.path}`));
    if (paths.size === 0) return skipped(NAME, '<=', 0, 'no files');
    const bad = [...paths].map((k) => k.split('\u0000')[1]!).filter(hasEpochLikeName);
    return verdict(NAME, bad.length, '<=', 0, `${bad.length} of ${paths.size} files${bad.length ? `: ${sample(bad)}` : ''}`);
  },
};
