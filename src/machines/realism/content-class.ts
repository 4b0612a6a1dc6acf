/** What kind of file a person or a machine would leave behind (issue 7). */
export type ContentClass = 'notes' | 'todo' | 'draft' | 'script' | 'cron' | 'daemon-log' | 'cache';

/** Classes a person writes, under their home directory, inside their working hours. */
export const USER_CLASSES = ['notes', 'todo', 'draft', 'script'] as const satisfies readonly ContentClass[];

/** Classes the machine (cron, daemons, an admin) writes under system directories. */
const SYSTEM_CLASSES = ['cron', 'daemon-log', 'cache'] as const satisfies readonly ContentClass[];

/** Every class, for validation and help texts. */
export const CONTENT_CLASSES: readonly ContentClass[] = [...USER_CLASSES, ...SYSTEM_CLASSES];

/** True for classes a person authors (their mtimes must fall in that person's hours). */
export function isUserClass(c: string): c is (typeof USER_CLASSES)[number] {
  return (USER_CLASSES as readonly string[]).includes(c);
}

/** Type guard for a stored class name. */
export function isContentClass(c: unknown): c is ContentClass {
  return typeof c === 'string' && (CONTENT_CLASSES as readonly string[]).includes(c);
}

/** Who writes a file: a login on the decky and, for people, the persona behind it. */
export interface FileAuthor {
  /** unix login, `[a-z_][a-z0-9_-]*` */
  user: string;
  /** display name used in signatures and drafts */
  name: string;
  /** persona email, absent for system accounts */
  persona?: string;
  /** the account's home as the decky's passwd gives it; absent → `/home/<user>` (`/root` for root) */
  home?: string;
}

/** One synthetic file as the planner tracks it: its current state and history so far. */
export interface FileState {
  path: string;
  body: string;
  contentClass: ContentClass;
  /** persona email for user classes, the login for system classes, null when unknown */
  author: string | null;
  createdAt: Date;
  /** the mtime the file carries */
  mtime: Date;
  editCount: number;
}

/** What an edit (or a creation) writes: one file, and for a log rotation the rotated copy too. */
export interface FileWrite {
  path: string;
  body: string;
  mtime: Date;
  /** how the body changed */
  edit: 'create' | 'append' | 'tick' | 'revise' | 'rewrite' | 'rotate';
  /** logrotate's `<path>.1`, keeping the old body and its old mtime */
  rotated?: { path: string; body: string; mtime: Date };
}

/** Largest body the planner produces; the store keeps up to 64 KiB. */
export const MAX_BODY_BYTES = 48 * 1024;
