import type { ContentClass, FileAuthor, FileState, FileWrite } from './content-class.js';
import { type BodyContext, initialBody } from './file-bodies.js';
import { candidatePaths } from './file-names.js';
import { planEdit } from './plan-edit.js';

/** Where new files go and how they are written: the decky, its zone, paths already taken. */
interface DeskContext {
  host: string;
  timeZone: string;
  /** every path already planned or present on the decky */
  taken: ReadonlySet<string>;
}

/** One writer on one decky: who, which classes they produce, how many files they keep. */
export interface Desk {
  author: FileAuthor;
  /** content classes with relative weights */
  classes: readonly (readonly [ContentClass, number])[];
  /** files this author ends up with at most */
  maxFiles: number;
}

/** A planned write with what the store records about it. */
export interface PlannedWrite {
  write: FileWrite;
  contentClass: ContentClass;
  /** persona email for people, login for system accounts */
  author: string;
  isNew: boolean;
}

/** Weights for a person's files. */
export const PERSON_CLASSES = [
  ['notes', 35],
  ['todo', 25],
  ['draft', 20],
  ['script', 20],
] as const;
/** Weights for the machine's files: mostly logs. */
export const SYSTEM_CLASS_WEIGHTS = [
  ['daemon-log', 50],
  ['cache', 35],
  ['cron', 15],
] as const;

/** A new file of class `cls` under a free name, or null when every candidate name is taken. */
export function planNewFile(cls: ContentClass, author: FileAuthor, ctx: DeskContext, rng: () => number, now: Date): FileWrite | null {
  const path = candidatePaths(cls, author, ctx.timeZone, now, rng).find((p) => !ctx.taken.has(p) && !ctx.taken.has(`${p}.1`));
  if (!path) return null;
  const body = initialBody(cls, path, { host: ctx.host, timeZone: ctx.timeZone, author } satisfies BodyContext, rng, now);
  return { path, body, mtime: now, edit: 'create' };
}

/**
 * What `desk`'s author does at `now`: starts a file (always when they have none, sometimes while
 * under `maxFiles`) or edits one of theirs, favouring the ones touched most recently.
 */
export function planNextWrite(mine: readonly FileState[], desk: Desk, ctx: DeskContext, rng: () => number, now: Date): PlannedWrite | null {
  const authorKey = desk.author.persona ?? desk.author.user;
  const editable = mine.filter((f) => !f.path.endsWith('.1'));
  if (editable.length === 0 || (editable.length < desk.maxFiles && rng() < 0.25)) {
    const cls = weighted(desk.classes, rng);
    const write = planNewFile(cls, desk.author, ctx, rng, now);
    if (write) return { write, contentClass: cls, author: authorKey, isNew: true };
    if (editable.length === 0) return null;
  }
  const byRecency = [...editable].sort((a, b) => b.mtime.getTime() - a.mtime.getTime());
  const target = weighted(
    byRecency.map((f, rank) => [f, classWeight(desk, f.contentClass) / (rank + 1)] as const),
    rng,
  );
  return { write: planEdit(target, rng, now, ctx), contentClass: target.contentClass, author: authorKey, isNew: false };
}

/** The file states after `planned` is written (the rotated copy included). */
export function applyWrite(states: Map<string, FileState>, planned: PlannedWrite): void {
  const { write } = planned;
  const before = states.get(write.path);
  if (write.rotated && before) {
    const old = states.get(write.rotated.path);
    states.set(write.rotated.path, {
      ...before,
      path: write.rotated.path,
      body: write.rotated.body,
      mtime: write.rotated.mtime,
      createdAt: old?.createdAt ?? write.rotated.mtime,
      editCount: old ? old.editCount + 1 : 0,
    });
  }
  states.set(write.path, {
    path: write.path,
    body: write.body,
    contentClass: planned.contentClass,
    author: planned.author,
    createdAt: before?.createdAt ?? write.mtime,
    mtime: write.mtime,
    editCount: before ? before.editCount + 1 : 0,
  });
}

function classWeight(desk: Desk, cls: ContentClass): number {
  return desk.classes.find(([c]) => c === cls)?.[1] ?? 1;
}

function weighted<T>(items: readonly (readonly [T, number])[], rng: () => number): T {
  const total = items.reduce((a, [, w]) => a + Math.max(0, w), 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= Math.max(0, w);
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}
