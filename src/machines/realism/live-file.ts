import type { Persona } from '../../domain/persona.js';
import { inWindow, parseActiveHours } from '../email/active-hours.js';
import { type FileAuthor, type FileState, isUserClass } from './content-class.js';
import { localDay } from './local-time.js';
import { type Desk, PERSON_CLASSES, type PlannedWrite, SYSTEM_CLASS_WEIGHTS, planNewFile, planNextWrite } from './plan-file.js';
import { choose } from './pick.js';
import { hashSeed } from './seed-hash.js';
import { SYSTEM_AUTHOR, authorForPersona, isLogin } from './user-name.js';
import { accountAuthors, placeAuthors } from './decky-accounts.js';
import type { PasswdUser } from '../../domain/passwd.js';

/** A file to drop: the same shape as the §3.2 `FilePlan`, so the supervisor can swap planners. */
interface HumanFilePlan {
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
 * What replaced the §3.2 epoch-named templates, writing what a person or a daemon would:
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
  const desk: Desk =
    rng() < 0.7 ? { author, classes: PERSON_CLASSES, maxFiles: 6 } : { author, classes: SYSTEM_CLASS_WEIGHTS, maxFiles: 4 };
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

/** Someone who may write on a decky while the daemon runs: who, in which zone, in which hours. */
export interface LivePerson {
  author: FileAuthor;
  timeZone: string;
  /** `HH:MM-HH:MM` in `timeZone` */
  activeHours: string;
}

/** What a live write knows of its decky: its name, its recorded files and its people. */
export interface LiveDeck {
  host: string;
  /** recorded files whose whole body is known (they may be edited) */
  files: readonly FileState[];
  /** every recorded path, editable or not: a new file never takes one */
  taken: ReadonlySet<string>;
  people: readonly LivePerson[];
  /** zone of the machine's own files (logs, caches, cron) */
  systemZone: string;
}

/** A planned live write with the account it is written as. */
export interface LiveWrite extends PlannedWrite {
  writer: FileAuthor;
}

/** Share of live writes a person makes when someone is at work; the rest are the machine's. */
const LIVE_PERSON_SHARE = 0.7;
// people do open a laptop on a Saturday, rarely
const WEEKEND_SHARE = 0.06;

/**
 * The next write on a decky at `now`: a person at work (inside their hours, mostly on weekdays)
 * starts or edits one of their files, otherwise the machine appends to a log, rewrites a cache or
 * moves a cron line. Continues the recorded files, so repeated calls edit them over time.
 */
export function planLiveWrite(deck: LiveDeck, rng: () => number, now: Date): LiveWrite | null {
  const awake = deck.people.filter((p) => atWork(p, now, rng));
  if (awake.length > 0 && rng() < LIVE_PERSON_SHARE) {
    const p = choose(awake, rng);
    const planned = planFor(deck, { author: p.author, classes: PERSON_CLASSES, maxFiles: 6 }, p.timeZone, rng, now);
    if (planned) return planned;
  }
  return planFor(deck, { author: SYSTEM_AUTHOR, classes: SYSTEM_CLASS_WEIGHTS, maxFiles: 4 }, deck.systemZone, rng, now);
}

function planFor(deck: LiveDeck, desk: Desk, timeZone: string, rng: () => number, now: Date): LiveWrite | null {
  const key = desk.author.persona ?? desk.author.user;
  const mine = deck.files.filter((f) => f.author === key);
  const planned = planNextWrite(mine, desk, { host: deck.host, timeZone, taken: deck.taken }, rng, now);
  return planned ? { ...planned, writer: desk.author } : null;
}

function atWork(p: LivePerson, now: Date, rng: () => number): boolean {
  const window = parseActiveHours(p.activeHours);
  const local = localDay(now, p.timeZone);
  if (window && !inWindow(window, local.minutes)) return false;
  return local.weekday !== 0 && local.weekday !== 6 ? true : rng() < WEEKEND_SHARE;
}

/** Hours of a writer the store knows only by name. */
const DEFAULT_LIVE_HOURS = '09:00-18:00';

/**
 * The people of a decky: the authors of its recorded user files first (so a backfilled past is
 * continued by the same people), else up to `max` personas chosen stably per decky, else the
 * default accounts. Personas give hours and zone; an author without one works 09:00-18:00 in `hostZone`.
 * With the decky's accounts known (`users`, its passwd), everyone writes as an account it has
 * (placeAuthors: a recorded file's home login first), its own login accounts stand in for the
 * default ones, and a decky without login accounts has no people: only the machine writes.
 */
export function livePeople(
  deckyUuid: string,
  files: readonly Pick<FileState, 'path' | 'author' | 'contentClass'>[],
  personas: readonly Pick<Persona, 'email' | 'name' | 'active_hours' | 'timezone'>[],
  hostZone: string,
  max = 2,
  users?: readonly PasswdUser[],
): LivePerson[] {
  const byEmail = new Map(personas.map((p) => [p.email.toLowerCase(), p]));
  const fromPersona = (p: Pick<Persona, 'email' | 'name' | 'active_hours' | 'timezone'>): LivePerson => ({
    author: authorForPersona(p),
    timeZone: p.timezone ?? hostZone,
    activeHours: p.active_hours,
  });
  const known = new Map<string, LivePerson>();
  for (const f of files) {
    if (!isUserClass(f.contentClass) || f.author === null || known.has(f.author)) continue;
    const persona = byEmail.get(f.author.toLowerCase());
    const recovered = persona ? fromPersona(persona) : recoverAuthor(f.author, f.path, hostZone);
    // the account a recorded file was written as is the one to keep writing as
    const login = /^\/home\/([^/]+)\//.exec(f.path)?.[1];
    if (recovered && users && isLogin(login)) recovered.author = { ...recovered.author, user: login };
    if (recovered) known.set(f.author, recovered);
  }
  // the box's people are topped up to `max` personas, or to every default account without personas
  const ranked = [...personas].sort((a, b) => hashSeed(deckyUuid, a.email) - hashSeed(deckyUuid, b.email));
  const defaults = users ? accountAuthors(users) : DEFAULT_AUTHORS;
  const more =
    personas.length > 0
      ? ranked.map(fromPersona)
      : defaults.map((author) => ({ author, timeZone: hostZone, activeHours: DEFAULT_LIVE_HOURS }));
  const room = personas.length > 0 ? max : defaults.length;
  for (const p of more) {
    if (known.size >= room) break;
    const key = p.author.persona ?? p.author.user;
    if (!known.has(key)) known.set(key, p);
  }
  const people = [...known.values()];
  if (!users) return people;
  const placed = placeAuthors(
    people.map((p) => p.author),
    users,
  );
  return people.flatMap((p, i) => (placed[i] ? [{ ...p, author: placed[i] }] : []));
}

// an author recorded without a persona in scope: the login from the home directory it wrote in
function recoverAuthor(author: string, path: string, hostZone: string): LivePerson | null {
  const user = /^\/home\/([^/]+)\//.exec(path)?.[1];
  if (!isLogin(user)) return null;
  const local = author.includes('@') ? author.slice(0, author.indexOf('@')) : author;
  const name = local
    .split(/[._-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
  return {
    author: { user, name: name || user, ...(author.includes('@') ? { persona: author.toLowerCase() } : {}) },
    timeZone: hostZone,
    activeHours: DEFAULT_LIVE_HOURS,
  };
}
