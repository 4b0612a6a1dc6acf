import type { FileAuthor } from './content-class.js';
import { type Desk, PERSON_CLASSES, SYSTEM_CLASS_WEIGHTS, planNewFile } from './plan-file.js';
import { choose } from './pick.js';

/** A file to drop: the same shape as the §3.2 `FilePlan`, so the supervisor can swap planners. */
export interface HumanFilePlan {
  path: string;
  content: string;
}

/** Who may write when the planner knows nothing of the decky (no personas, no store). */
export const DEFAULT_AUTHORS: readonly FileAuthor[] = [
  { user: 'admin', name: 'Admin' },
  { user: 'ubuntu', name: 'Ubuntu' },
  { user: 'service', name: 'Service' },
];

/**
 * A drop-in for the §3.2 `planFile(rng, now)` that writes what a person or a daemon would:
 * a note, todo, draft or script in a home directory, or a log, cache or cron file, under a
 * human name (no epoch numbers). Without the store it cannot edit, so the same name may be
 * rewritten later; `planNextWrite` with the decky's recorded files is the full version.
 */
export function planHumanFile(
  rng: () => number,
  now: Date,
  opts: { host?: string; timeZone?: string; authors?: readonly FileAuthor[] } = {},
): HumanFilePlan {
  const author = choose(opts.authors && opts.authors.length > 0 ? opts.authors : DEFAULT_AUTHORS, rng);
  const desk: Desk = rng() < 0.7 ? { author, classes: PERSON_CLASSES, maxFiles: 6 } : { author, classes: SYSTEM_CLASS_WEIGHTS, maxFiles: 4 };
  const cls = pickClass(desk, rng);
  const write = planNewFile(cls, author, { host: opts.host ?? 'localhost', timeZone: opts.timeZone ?? 'UTC', taken: new Set() }, rng, now);
  // a fresh context never runs out of names; the fallback keeps the function total
  return write ? { path: write.path, content: write.body } : { path: `/home/${author.user}/notes.txt`, content: 'check the backup job\n' };
}

function pickClass(desk: Desk, rng: () => number) {
  const total = desk.classes.reduce((a, [, w]) => a + w, 0);
  let r = rng() * total;
  for (const [cls, w] of desk.classes) {
    r -= w;
    if (r < 0) return cls;
  }
  return desk.classes[0]![0];
}
