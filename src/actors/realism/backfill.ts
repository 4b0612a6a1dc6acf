import { randomUUID } from 'node:crypto';
import { seededRng } from '../../domain/rng.js';
import { type History, type HistoryDesk, planHistory } from '../../machines/realism/history.js';
import { PERSON_CLASSES, SYSTEM_CLASS_WEIGHTS } from '../../machines/realism/plan-file.js';
import { hashSeed } from '../../machines/realism/seed-hash.js';
import { CALENDAR_SEED, profileForPersona, profileForSystem } from '../../machines/realism/timing-profile.js';
import { authorForPersona, SYSTEM_AUTHOR } from '../../machines/realism/user-name.js';
import { accountAuthors, placeAuthors } from '../../machines/realism/decky-accounts.js';
import type { FileAuthor } from '../../machines/realism/content-class.js';
import type { PasswdUser } from '../../domain/passwd.js';
import { readDeckyUsers } from '../files/decky-users.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import { plannedMode, plannedOwner, writePlannedFile } from '../drivers/planned-file.driver.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { Persona } from '../../domain/persona.js';
import type { EventStorePort } from '../../infra/store/event-store.port.js';
import type { OrchestratorEvent } from '../../domain/event.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { SyntheticFilesPort } from '../../infra/store/synthetic-files.port.js';
import { settleDirectories } from './settle-mtimes.js';

/** How much past to plan, and how busy it was. */
interface BackfillOptions {
  days: number;
  now: Date;
  seed: number;
  /** files people touch per working day on one decky (default 4) */
  personEventsPerDay?: number;
  /** log/cache/cron writes per day on one decky (default 10) */
  systemEventsPerDay?: number;
  /** people (personas) with a home directory on one decky (default 2) */
  peoplePerDecky?: number;
  /**
   * files the store already holds for the decky: `skip` the decky (default, the CLI), or `avoid`
   * their paths and write the rest (a retried automatic backfill, live files of a new decky)
   */
  existing?: 'skip' | 'avoid';
  /** abandons the backfill between two files; what was written is still recorded */
  signal?: AbortSignal;
}

/** What the backfill reads and writes. */
interface BackfillDeps {
  dockerFor: (decky: RunningDecky) => DockerPort;
  files: SyntheticFilesPort;
  events: EventStorePort;
  personasFor: (decky: RunningDecky) => Promise<Persona[]>;
  /** zone of deckies whose personas give none */
  hostZone: string;
  limits?: DriverLimits;
  logger: Logger;
  /** the decky's accounts (default: its /etc/passwd, read once); undefined → unknown */
  usersOf?: (docker: DockerPort, decky: RunningDecky) => Promise<readonly PasswdUser[] | undefined>;
}

/** What happened on one decky. */
export interface DeckyBackfill {
  decky: string;
  name: string;
  /** why nothing was done, when nothing was */
  skipped?: string;
  files: number;
  writes: number;
  failed: { path: string; stderr: string }[];
  /** stopped by the signal before every file was written */
  abandoned?: boolean;
}

// someone who is not a persona still works a day: the box's admin, in the host's zone
const ADMIN: Persona = {
  name: 'Admin',
  email: 'admin@localhost.localdomain',
  role: 'admin',
  tone: 'technical',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours: '09:00-18:00',
  reply_latency: 'normal',
  uses_llms_heavily: false,
};

/**
 * The writers of a decky's past: up to `people` personas (chosen per decky, stable) and the
 * system. With the decky's accounts known (`users`), people write only as accounts it has
 * (placeAuthors; without personas, its own login accounts work the admin's day), and a decky
 * without login accounts gets the system's files alone. Unknown accounts: personas' logins.
 */
function desksFor(
  decky: RunningDecky,
  personas: readonly Persona[],
  deps: Pick<BackfillDeps, 'hostZone'>,
  opts: BackfillOptions,
  users?: readonly PasswdUser[],
): HistoryDesk[] {
  const seed = hashSeed(opts.seed, decky.uuid);
  const ranked = [...personas].sort((a, b) => hashSeed(seed, a.email) - hashSeed(seed, b.email));
  const people = ranked.slice(0, opts.peoplePerDecky ?? 2);
  const admin = { ...ADMIN, timezone: deps.hostZone };
  let owners: (readonly [Persona, FileAuthor])[];
  if (people.length > 0) {
    const authors = people.map(authorForPersona);
    const placed = users ? placeAuthors(authors, users) : authors;
    owners = people.flatMap((p, i) => (placed[i] ? [[p, placed[i]] as const] : []));
  } else {
    const authors = users ? accountAuthors(users).slice(0, opts.peoplePerDecky ?? 2) : [{ user: 'admin', name: 'Admin' }];
    owners = authors.map((a) => [admin, a] as const);
  }
  const zone = owners[0]?.[0].timezone ?? people[0]?.timezone ?? deps.hostZone;
  const desks: HistoryDesk[] = owners.map(([p, author]) => ({
    author,
    classes: PERSON_CLASSES,
    maxFiles: 6,
    profile: profileForPersona(p, { eventsPerDay: opts.personEventsPerDay ?? 4, seed: CALENDAR_SEED, fallbackZone: deps.hostZone }),
  }));
  desks.push({
    author: SYSTEM_AUTHOR,
    classes: SYSTEM_CLASS_WEIGHTS,
    maxFiles: 4,
    profile: profileForSystem(decky.uuid, { eventsPerDay: opts.systemEventsPerDay ?? 10, seed: opts.seed, timeZone: zone }),
  });
  return desks;
}

/**
 * Gives one running decky weeks of believable past: plans every file write from the timing
 * model, writes each file's final state with its past mtime, settles directory mtimes, and
 * records the files (`synthetic_files`) and every write (events with `payload.backfilled`).
 * A decky that already has synthetic files is left alone (the history is not doubled).
 */
export async function backfillDecky(decky: RunningDecky, deps: BackfillDeps, opts: BackfillOptions): Promise<DeckyBackfill> {
  const report: DeckyBackfill = { decky: decky.uuid, name: decky.name, files: 0, writes: 0, failed: [] };
  if (!decky.services?.includes('ssh')) return { ...report, skipped: 'no ssh container' };
  const known = new Set((await deps.files.filesOf(decky.uuid)).map((f) => f.path));
  if (known.size > 0 && opts.existing !== 'avoid') return { ...report, skipped: 'already has synthetic files' };
  let docker: DockerPort;
  try {
    docker = deps.dockerFor(decky);
  } catch (err) {
    return { ...report, skipped: (err as Error).message };
  }
  // the accounts the decky really has: a user's file goes only in the home of one of them
  const users = await (deps.usersOf ?? ((d: DockerPort, x: RunningDecky) => readDeckyUsers(d, x.name)))(docker, decky);
  const desks = desksFor(decky, await deps.personasFor(decky), deps, opts, users);
  const from = new Date(opts.now.getTime() - opts.days * 86_400_000);
  const history = planHistory({ host: decky.name, desks, from, to: opts.now }, seededRng(hashSeed(opts.seed, decky.uuid, 'history')));
  const owners = new Map(desks.map((d) => [d.author.persona ?? d.author.user, d.author.user]));
  const written = new Set<string>();
  // a path the store already knows is someone else's file: never overwritten with an older past
  for (const f of history.files.filter((x) => !known.has(x.path)).sort((a, b) => a.mtime.getTime() - b.mtime.getTime())) {
    if (opts.signal?.aborted) {
      report.abandoned = true;
      break;
    }
    const owner = plannedOwner(f.contentClass, f.author ? owners.get(f.author) : undefined);
    const mode = f.path.endsWith('.1') ? undefined : plannedMode(f.contentClass);
    const out = await writePlannedFile(
      docker,
      decky.name,
      { path: f.path, body: f.body, mtime: f.mtime, ...(owner ? { owner } : {}), ...(mode ? { mode } : {}) },
      deps.limits,
    );
    if (out.success) written.add(f.path);
    else report.failed.push({ path: f.path, stderr: out.stderr ?? `rc ${out.rc}` });
  }
  const settled = await settleDirectories(docker, decky.name, [...written], deps.limits);
  if (!settled.success) deps.logger.warn({ decky: decky.uuid, err: settled.stderr }, 'directory mtimes not settled');
  await record(decky, history, written, deps, new Map(desks.map((d) => [d.author.persona ?? d.author.user, d.author.name])));
  report.files = written.size;
  report.writes = history.writes.filter((w) => written.has(w.write.path)).length;
  return report;
}

// `names`: author key → display name, for DECNET's `persona` column
async function record(
  decky: RunningDecky,
  history: History,
  written: ReadonlySet<string>,
  deps: BackfillDeps,
  names: ReadonlyMap<string, string>,
): Promise<void> {
  await deps.files.putFiles(
    history.files
      .filter((f) => written.has(f.path))
      .map((f) => ({
        deckyUuid: decky.uuid,
        path: f.path,
        author: f.author,
        persona: f.author === null ? null : (names.get(f.author) ?? null),
        contentClass: f.contentClass,
        createdAt: f.createdAt,
        lastModified: f.mtime,
        editCount: f.editCount,
        body: f.body,
      })),
  );
  const events: OrchestratorEvent[] = history.writes
    .filter((w) => written.has(w.write.path))
    .map((w) => ({
      uuid: randomUUID(),
      ts: w.write.mtime,
      kind: 'file',
      protocol: 'ssh',
      action: w.isNew ? 'file:create' : 'file:edit',
      srcDeckyUuid: null,
      dstDeckyUuid: decky.uuid,
      success: true,
      payload: {
        dst_decky: decky.name,
        path: w.write.path,
        bytes: Buffer.byteLength(w.write.body),
        rc: 0,
        backfilled: true,
        content_class: w.contentClass,
        edit: w.write.edit,
        author: w.author,
      },
    }));
  await deps.events.recordEvents(events);
}

/** Backfills every running decky in turn; one decky's failure never stops the others. */
export async function backfillAll(deckies: readonly RunningDecky[], deps: BackfillDeps, opts: BackfillOptions): Promise<DeckyBackfill[]> {
  const out: DeckyBackfill[] = [];
  for (const decky of deckies) {
    try {
      out.push(await backfillDecky(decky, deps, opts));
    } catch (err) {
      deps.logger.error({ decky: decky.uuid, err: (err as Error).message }, 'backfill failed');
      out.push({ decky: decky.uuid, name: decky.name, skipped: `failed: ${(err as Error).message}`, files: 0, writes: 0, failed: [] });
    }
  }
  return out;
}
