import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { DriverOutcome } from '../../domain/driver-outcome.js';
import { runFile } from '../drivers/file.driver.js';
import { plannedMode, plannedOwner, plannedPathProblem, runPlannedFile } from '../drivers/planned-file.driver.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import { isDeckyName } from '../drivers/validate.js';
import type { Persona } from '../../domain/persona.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { SyntheticFile, SyntheticFilesPort, SyntheticFileWrite } from '../../infra/store/synthetic-files.port.js';
import type { FilePlan } from '../../machines/policy/file-plan.js';
import { seededRng } from '../../domain/rng.js';
import { type FileState, isContentClass } from '../../machines/realism/content-class.js';
import { isLlmBodyClass } from '../../machines/realism/file-prompt.js';
import { type LiveWrite, livePeople, planLiveWrite } from '../../machines/realism/live-file.js';
import { hashSeed } from '../../machines/realism/seed-hash.js';
import type { BodyEnricher } from './enrich-body.js';
import type { DeckyUsersOf } from './decky-users.js';
import { FILE_ACTION } from '../drivers/file.driver.js';
import { sanitizeField } from '../drivers/sanitize.js';
import type { PasswdUser } from '../../domain/passwd.js';
import { hasUsableHome } from '../../domain/passwd.js';

/** What live file writing reads and writes besides the engine (issue 7). */
export interface LiveFilesDeps {
  files: SyntheticFilesPort;
  /** personas in scope of a decky (they write its user files); none → the default accounts */
  personasFor?: (decky: RunningDecky) => Promise<Persona[]>;
  /** zone of the machine's files and of writers without one (default UTC) */
  hostZone?: string;
  /** optional LLM bodies for new notes, todos and drafts */
  enrich?: BodyEnricher;
  /** bound on each store read or write (default 5 s) */
  storeTimeoutMs?: number;
  /** a history backfill writing this decky's files right now, to wait for (two writers would race) */
  backfillOf?: (deckyUuid: string) => Promise<void> | undefined;
  /** the decky's accounts (its passwd, cached); without it, or when unreadable, personas' logins are used */
  usersOf?: DeckyUsersOf;
}

/** Action of an edit event (a new file stays `file:create`, SPEC §3.2). */
export const FILE_EDIT_ACTION = 'file:edit';

/**
 * One live file action on `dst`: reads the decky's recorded files, plans the next write with the
 * full planner (a new file, or an append, tick, rotation or rewrite of a recorded one), writes it
 * through the planned-file writer (as backfill does: mtime, the writer's ownership of a user's
 * file, chunks, no product name) and records it in `synthetic_files`. When the store cannot be read or the
 * planner has nothing to do, the supervisor's `plan` is written instead, as before.
 */
export async function writeLiveFile(
  docker: DockerPort,
  dst: RunningDecky,
  plan: FilePlan,
  live: LiveFilesDeps,
  at: Date,
  limits: DriverLimits = {},
): Promise<DriverOutcome<'file'>> {
  // a name the driver refuses must not reach the store or the planner's bodies either
  if (!isDeckyName(dst.name)) return runFile(docker, { dstName: dst.name, path: plan.path, content: plan.content }, limits);
  const bound = live.storeTimeoutMs ?? 5000;
  // the backfill plans around what the store held when it began: writing meanwhile could be overwritten
  await live.backfillOf?.(dst.uuid);
  // who really has a home on the decky: a user's file is written only as one of them
  const users = live.usersOf ? await within(live.usersOf(docker, dst), bound, 'passwd read').catch(() => undefined) : undefined;
  let recorded: SyntheticFile[];
  try {
    recorded = await within(live.files.filesOf(dst.uuid), bound, 'synthetic_files read');
  } catch (err) {
    return fallback(docker, dst, plan, live, at, limits, `store: ${(err as Error).message}`, users);
  }
  const personas = live.personasFor ? await within(live.personasFor(dst), bound, 'persona lookup').catch(() => []) : [];
  const hostZone = live.hostZone ?? 'UTC';
  const usable = recorded.filter((f) => isContentClass(f.contentClass));
  const states = usable.map(toState);
  const rng = seededRng(hashSeed(dst.uuid, plan.path, plan.content, at.getTime()));
  const planned = planLiveWrite(
    {
      host: dst.name,
      // a body cut by the store's cap cannot be edited faithfully, nor a path the writer refuses
      files: usable.filter((f) => !f.bodyTruncated && plannedPathProblem(f.path) === undefined).map(toState),
      taken: new Set(recorded.map((f) => f.path)),
      people: livePeople(dst.uuid, states, personas, hostZone, 2, users),
      systemZone: hostZone,
    },
    rng,
    at,
  );
  if (!planned) return fallback(docker, dst, plan, live, at, limits, 'nothing to plan', users);
  return writePlanned(docker, dst, planned, live, limits, bound);
}

async function writePlanned(
  docker: DockerPort,
  dst: RunningDecky,
  planned: LiveWrite,
  live: LiveFilesDeps,
  limits: DriverLimits,
  bound: number,
): Promise<DriverOutcome<'file'>> {
  const { write } = planned;
  let body = write.body;
  const extra: Record<string, unknown> = { edit: write.edit, content_class: planned.contentClass, author: planned.author };
  if (planned.isNew && live.enrich && isLlmBodyClass(planned.contentClass)) {
    const enriched = await live.enrich({ contentClass: planned.contentClass, path: write.path, template: body, author: planned.writer });
    body = enriched.body;
    extra.body_source = enriched.source;
    if (enriched.reason) extra.body_note = enriched.reason;
  }
  const writes: SyntheticFileWrite[] = [];
  // persona: the display name DECNET's dashboard shows beside the file
  const base = { deckyUuid: dst.uuid, author: planned.author, persona: planned.writer.name, contentClass: planned.contentClass };
  // a user's file is theirs on disk too: a root-owned note in /home/<login> is a tell
  const owner = plannedOwner(planned.contentClass, planned.writer.user);
  const as = owner ? { owner } : {};
  const mode = plannedMode(planned.contentClass);
  if (write.rotated) {
    // logrotate's copy first: a failed rotation must not leave the log cut short
    const r = write.rotated;
    const out = await runPlannedFile(docker, dst.name, { path: r.path, body: r.body, mtime: r.mtime, ...as }, limits);
    if (!out.success) return { ...out, action: FILE_EDIT_ACTION, payload: { ...out.payload, ...extra, path: write.path, rotated: r.path } };
    writes.push({ ...base, path: r.path, body: r.body, mtime: r.mtime });
    extra.rotated = r.path;
  }
  // a body naming the product (an LLM's, say) is refused by the writer: a failed event, no write
  const out = await runPlannedFile(
    docker,
    dst.name,
    { path: write.path, body, mtime: write.mtime, ...as, ...(mode ? { mode } : {}) },
    limits,
  );
  const action = planned.isNew ? out.action : FILE_EDIT_ACTION;
  if (!out.success && writes.length === 0) return { ...out, action, payload: { ...out.payload, ...extra } };
  if (out.success) writes.push({ ...base, path: write.path, body, mtime: write.mtime });
  const recorded = await record(live, writes, bound);
  return { ...out, action, payload: { ...out.payload, ...extra, ...recorded } };
}

async function fallback(
  docker: DockerPort,
  dst: RunningDecky,
  plan: FilePlan,
  live: LiveFilesDeps,
  at: Date,
  limits: DriverLimits,
  why: string,
  users?: readonly PasswdUser[],
): Promise<DriverOutcome<'file'>> {
  // the supervisor's template names a home too: never one of a user the decky does not have
  const login = /^\/home\/([^/]+)\//.exec(plan.path)?.[1];
  if (users && login !== undefined && !users.some((u) => u.login === login && hasUsableHome(u))) {
    const payload = {
      dst_decky: sanitizeField(dst.name, 128),
      path: sanitizeField(plan.path, 512),
      bytes: 0,
      rc: null,
      stderr: 'refused: no such user on the decky',
      planner: 'fallback',
      planner_note: why.slice(0, 200),
    };
    return { kind: 'file', action: FILE_ACTION, success: false, payload };
  }
  const out = await runFile(docker, { dstName: dst.name, path: plan.path, content: plan.content, mtime: at }, limits);
  const payload: Record<string, unknown> = { ...out.payload, planner: 'fallback', planner_note: why.slice(0, 200) };
  if (out.success) {
    const write = {
      deckyUuid: dst.uuid,
      path: plan.path,
      author: null,
      contentClass: contentClassOf(plan.path),
      body: plan.content,
      mtime: at,
    };
    Object.assign(payload, await record(live, [write], live.storeTimeoutMs ?? 5000));
  }
  return { ...out, payload };
}

// a failed record leaves the file written: the next read simply does not know this write
async function record(live: LiveFilesDeps, writes: readonly SyntheticFileWrite[], bound: number): Promise<Record<string, unknown>> {
  if (writes.length === 0) return {};
  try {
    await within(live.files.recordWrites(writes), bound, 'synthetic_files write');
    return {};
  } catch (err) {
    return { recorded: false, record_error: (err as Error).message.slice(0, 200) };
  }
}

function toState(f: SyntheticFile): FileState {
  return {
    path: f.path,
    body: f.body,
    contentClass: f.contentClass as FileState['contentClass'],
    author: f.author,
    createdAt: f.createdAt,
    mtime: f.lastModified,
    editCount: f.editCount,
  };
}

// the supervisor's fallback plans come from the same human templates: their place says their class
function contentClassOf(path: string): string {
  if (path.startsWith('/var/log/')) return 'daemon-log';
  if (path.startsWith('/etc/cron')) return 'cron';
  if (path.includes('/.cache/') || path.startsWith('/var/cache/') || path.startsWith('/tmp/')) return 'cache';
  if (/todo/i.test(path)) return 'todo';
  if (/\.(sh|py)$/.test(path)) return 'script';
  if (/draft/i.test(path)) return 'draft';
  return 'notes';
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  p.catch(() => {});
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}
