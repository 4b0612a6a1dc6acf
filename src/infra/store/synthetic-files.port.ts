import type { Page } from '../../domain/page.js';

/** Most bytes of a file's last body kept in the store (issue 7); the hash covers the whole body. */
export const MAX_STORED_BODY = 64 * 1024;

/** One file the daemon wrote on a decky, as of its last write (`synthetic_files`). */
export interface SyntheticFile {
  deckyUuid: string;
  /** absolute path inside the decky; unique per decky */
  path: string;
  /** persona email for people, login for system accounts, null when unknown */
  author: string | null;
  /** display name of who wrote it (DECNET's `persona` column); absent when only `author` is known */
  persona?: string | null;
  /** `notes`, `todo`, `draft`, `script`, `cron`, `daemon-log`, `cache` */
  contentClass: string;
  createdAt: Date;
  /** the mtime the file was given at its last write */
  lastModified: Date;
  /** writes after the first */
  editCount: number;
  /** sha256 (hex) of the whole last body */
  contentHash: string;
  /** the last body, cut to MAX_STORED_BODY bytes */
  body: string;
  bodyTruncated: boolean;
}

/** A file's state given whole (a planned history): every field is stored as given. */
export type SyntheticFilePut = Omit<SyntheticFile, 'contentHash' | 'bodyTruncated'>;

/** One write: a new file (edit_count 0, created_at = mtime) or the next version of a known one. */
export interface SyntheticFileWrite {
  deckyUuid: string;
  path: string;
  author: string | null;
  /** display name of the author, for DECNET's `persona` column */
  persona?: string | null;
  contentClass: string;
  body: string;
  mtime: Date;
}

/** Paging for files, newest last_modified first. */
export interface FileListQuery {
  /** 1..1000 */
  limit: number;
  offset: number;
  deckyUuid?: string;
}

/** The `synthetic_files` table: what files exist on which decky, written by whom, and how they read now. */
export interface SyntheticFilesPort {
  /** upserts whole states by (decky, path) in one transaction */
  putFiles(files: readonly SyntheticFilePut[]): Promise<void>;
  /** applies writes in order in one transaction: insert, or bump edit_count and replace the body */
  recordWrites(writes: readonly SyntheticFileWrite[]): Promise<void>;
  listFiles(q: FileListQuery): Promise<Page<SyntheticFile>>;
  /** every file of one decky, oldest created first */
  filesOf(deckyUuid: string): Promise<SyntheticFile[]>;
  getFile(deckyUuid: string, path: string): Promise<SyntheticFile | null>;
}
