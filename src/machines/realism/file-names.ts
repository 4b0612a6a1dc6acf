import type { ContentClass, FileAuthor } from './content-class.js';
import { isoDay, monthName } from './local-stamp.js';
import { CACHES, CRON_JOBS, DAEMONS, SCRIPT_NAMES, TOPICS } from './phrases.js';
import { chooseSome } from './pick.js';

/** An epoch-like number (9 to 11 digits in a row): names people and logrotate never produce. */
const EPOCH_LIKE = /\d{9,11}/;

/** True when a path carries an epoch-like number (the §3.2 baseline's `notes-<ts>.txt`). */
export function hasEpochLikeName(path: string): boolean {
  return EPOCH_LIKE.test(path);
}

/** The author's home directory: the decky's own when known, else `/root` for root and `/home/<user>`. */
function homeOf(author: Pick<FileAuthor, 'user' | 'home'>): string {
  if (author.home) return author.home;
  return author.user === 'root' ? '/root' : `/home/${author.user}`;
}

/**
 * Candidate paths for a new file of `cls`, most typical first within a shuffled order: the
 * names a person or a package would give (topics, dates as YYYY-MM-DD, month names), never a
 * counter or a timestamp.
 */
export function candidatePaths(cls: ContentClass, author: FileAuthor, timeZone: string, now: Date, rng: () => number): string[] {
  const home = homeOf(author);
  const topics = chooseSome(TOPICS, 4, rng).map(([slug]) => slug);
  switch (cls) {
    case 'notes':
      return chooseSome(
        [
          `${home}/notes.txt`,
          `${home}/scratch.txt`,
          `${home}/Documents/meeting-notes-${isoDay(now, timeZone)}.txt`,
          ...topics.map((t) => `${home}/notes/${t}.md`),
        ],
        8,
        rng,
      );
    case 'todo':
      return chooseSome([`${home}/todo.txt`, `${home}/TODO.md`, `${home}/Documents/todo-${monthName(now, timeZone)}.md`], 3, rng);
    case 'draft':
      return chooseSome([...topics.map((t) => `${home}/Documents/draft-${t}.txt`), ...topics.map((t) => `${home}/drafts/${t}.md`)], 8, rng);
    case 'script':
      return chooseSome(SCRIPT_NAMES, 8, rng).map((s, i) => (i % 3 === 2 ? `${home}/scripts/${s}.py` : `${home}/bin/${s}.sh`));
    case 'cron':
      return chooseSome(CRON_JOBS, CRON_JOBS.length, rng).map((j) => `/etc/cron.d/${j}`);
    case 'daemon-log':
      return chooseSome(DAEMONS, DAEMONS.length, rng).map((d) => `/var/log/${d}.log`);
    case 'cache':
      return chooseSome(CACHES, CACHES.length, rng).map((c) => (c.startsWith('~/') ? `${home}/${c.slice(2)}` : c));
  }
}
