import { createHash, randomUUID } from 'node:crypto';
import type { Page } from '../../../../domain/page.js';
import { validatePaging } from '../../store-errors.js';
import {
  type FileListQuery,
  MAX_STORED_BODY,
  type SyntheticFile,
  type SyntheticFilePut,
  type SyntheticFilesPort,
  type SyntheticFileWrite,
} from '../../synthetic-files.port.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { chunks, insertValues } from './row-codec.js';
import { fromDecnetTime, toDecnetTime } from '../../decnet-format.js';

const TABLE = 'synthetic_files';
// DECNET's columns (DECNET-COMPAT §2). `persona` is NOT NULL there: an unknown author is ''.
const COLUMNS = ['uuid', 'decky_uuid', 'path', 'persona', 'content_class', 'created_at', 'last_modified', 'edit_count', 'content_hash', 'last_body'] as const;
// 10 columns × 200 rows; bodies are large, so fewer rows per statement than the event store.
const CHUNK = 200;
// the row keeps its first uuid: DECNET's dashboard links lineage by it.
const PUT_SUFFIX = `on conflict (decky_uuid, path) do update set persona = excluded.persona, content_class = excluded.content_class,
  created_at = excluded.created_at, last_modified = excluded.last_modified, edit_count = excluded.edit_count,
  content_hash = excluded.content_hash, last_body = excluded.last_body`;
// a batch is coalesced to one row per (decky, path) first: PostgreSQL refuses to update one row
// twice in a statement. `excluded.edit_count` is then the batch's writes to that path minus one.
const WRITE_SUFFIX = `on conflict (decky_uuid, path) do update set persona = case when excluded.persona = '' then ${TABLE}.persona else excluded.persona end,
  content_class = excluded.content_class, last_modified = excluded.last_modified,
  edit_count = ${TABLE}.edit_count + excluded.edit_count + 1,
  content_hash = excluded.content_hash, last_body = excluded.last_body`;

type Row = Record<(typeof COLUMNS)[number], unknown>;

/**
 * `synthetic_files` through knex, rows as DECNET's worker writes them: one row per (decky, path)
 * under a uuid4, upserted in batches; `persona` holds the author as the port gives it.
 */
export class SqliteSyntheticFiles implements SyntheticFilesPort {
  constructor(private readonly db: Db) {}

  /** Upserts whole states. */
  async putFiles(files: readonly SyntheticFilePut[]): Promise<void> {
    await this.upsert(files.map((f) => toRow(f.deckyUuid, f.path, f.author, f.contentClass, f.createdAt, f.lastModified, f.editCount, f.body)), PUT_SUFFIX);
  }

  /** Applies writes in order: a new path is inserted with edit_count 0, a known one is bumped. */
  async recordWrites(writes: readonly SyntheticFileWrite[]): Promise<void> {
    await this.upsert(
      coalesceWrites(writes).map((g) => toRow(g.last.deckyUuid, g.last.path, g.author, g.last.contentClass, g.createdAt, g.last.mtime, g.count - 1, g.last.body)),
      WRITE_SUFFIX,
    );
  }

  /** Newest last_modified first, optionally for one decky. */
  async listFiles(q: FileListQuery): Promise<Page<SyntheticFile>> {
    validatePaging(q);
    return this.db.transaction(async (trx) => {
      const where = (qb: ReturnType<Db>) => (q.deckyUuid === undefined ? qb : qb.where({ decky_uuid: q.deckyUuid }));
      const counted = (await where(trx(TABLE)).count({ n: '*' }).first()) as { n: number } | undefined;
      const rows = (await where(trx(TABLE))
        .select('*')
        .orderBy([
          { column: 'last_modified', order: 'desc' },
          { column: 'rowid', order: 'desc' },
        ])
        .limit(q.limit)
        .offset(q.offset)) as Row[];
      return { total: Number(counted?.n ?? 0), limit: q.limit, offset: q.offset, data: rows.map(fromRow) };
    });
  }

  /** Every file of one decky, oldest created first. */
  async filesOf(deckyUuid: string): Promise<SyntheticFile[]> {
    const rows = (await this.db(TABLE).where({ decky_uuid: deckyUuid }).orderBy([{ column: 'created_at' }, { column: 'rowid' }])) as Row[];
    return rows.map(fromRow);
  }

  /** One file by decky and path, or null. */
  async getFile(deckyUuid: string, path: string): Promise<SyntheticFile | null> {
    const row = (await this.db(TABLE).where({ decky_uuid: deckyUuid, path }).first()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  private async upsert(rows: Row[], suffix: string): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => COLUMNS.map((c) => r[c]));
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        for (const part of chunks(values, CHUNK)) await insertValues(trx, TABLE, COLUMNS, part, suffix);
      }),
    );
  }
}

// a batch's writes to one (decky, path): the first write's time, the last state, how many
interface WriteGroup {
  last: SyntheticFileWrite;
  createdAt: Date;
  /** the newest author given (a write without one keeps the earlier) */
  author: string | null;
  count: number;
}

// writes folded to one group per (decky, path), in order of first appearance
function coalesceWrites(writes: readonly SyntheticFileWrite[]): WriteGroup[] {
  const groups = new Map<string, WriteGroup>();
  for (const w of writes) {
    const key = `${w.deckyUuid}\u0000${w.path}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { last: w, createdAt: w.mtime, author: w.author, count: 1 });
    else groups.set(key, { last: w, createdAt: g.createdAt, author: w.author ?? g.author, count: g.count + 1 });
  }
  return [...groups.values()];
}

function toRow(
  deckyUuid: string,
  path: string,
  author: string | null,
  contentClass: string,
  createdAt: Date,
  lastModified: Date,
  editCount: number,
  body: string,
): Row {
  // MAX_STORED_BODY bytes are at most as many characters: within DECNET's 65,536-character cap.
  const kept = capUtf8(body, MAX_STORED_BODY);
  return {
    uuid: randomUUID(),
    decky_uuid: deckyUuid,
    path,
    persona: author ?? '',
    content_class: contentClass,
    created_at: toDecnetTime(createdAt),
    last_modified: toDecnetTime(lastModified),
    edit_count: editCount,
    content_hash: sha256(body),
    last_body: kept,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// DECNET keeps no truncation flag: the hash covers the whole body, so a kept body that does not
// hash to it was cut.
function fromRow(r: Row): SyntheticFile {
  const body = String(r.last_body);
  const contentHash = String(r.content_hash);
  return {
    deckyUuid: String(r.decky_uuid),
    path: String(r.path),
    author: r.persona === null || r.persona === '' ? null : String(r.persona),
    contentClass: String(r.content_class),
    createdAt: fromDecnetTime(r.created_at),
    lastModified: fromDecnetTime(r.last_modified),
    editCount: Number(r.edit_count),
    contentHash,
    body,
    bodyTruncated: sha256(body) !== contentHash,
  };
}

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
export function capUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  // step back over continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
