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
import type { TieBreak } from './event.repository.js';
import type { Db } from './orm.types.js';
import { chunks, dialectOf, insertValues } from './row-codec.js';
import { fromDecnetTime, toDecnetTime } from '../../decnet-format.js';
import { SYNTHETIC_FILE_COLUMNS } from './written-columns.js';

const TABLE = 'synthetic_files';
const COLUMNS = SYNTHETIC_FILE_COLUMNS;
// MySQL's TEXT holds 65,535 bytes, one less than MAX_STORED_BODY: a longer body would fail the batch
const MYSQL_TEXT_BYTES = 65_535;
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

type Row = Record<(typeof COLUMNS)[number] | 'author', unknown>;

const AUTHORS = 'orch_synthetic_file_authors';
const AUTHOR_COLUMNS = ['decky_uuid', 'path', 'author'] as const;
const AUTHOR_SUFFIX = 'on conflict (decky_uuid, path) do update set author = excluded.author';

/**
 * `synthetic_files` through knex, rows as DECNET's worker writes them: one row per (decky, path)
 * under a uuid4, upserted in batches, `persona` the author's display name. The author as the
 * realism planner keys it (persona email or login) lives beside it in `orch_synthetic_file_authors`;
 * a row DECNET wrote has none, and reads with its display name as the author.
 */
export class SqliteSyntheticFiles implements SyntheticFilesPort {
  constructor(
    private readonly db: Db,
    private readonly order: TieBreak = 'rowid',
  ) {}

  /** Upserts whole states. */
  async putFiles(files: readonly SyntheticFilePut[]): Promise<void> {
    const cap = this.bodyCap();
    const rows = files.map((f) =>
      toRow(f.deckyUuid, f.path, f.author, f.persona, f.contentClass, f.createdAt, f.lastModified, f.editCount, f.body, cap),
    );
    await this.upsert(rows, PUT_SUFFIX, true);
  }

  /** Applies writes in order: a new path is inserted with edit_count 0, a known one is bumped. */
  async recordWrites(writes: readonly SyntheticFileWrite[]): Promise<void> {
    const cap = this.bodyCap();
    const rows = coalesceWrites(writes).map((g) =>
      toRow(
        g.last.deckyUuid,
        g.last.path,
        g.author,
        g.persona,
        g.last.contentClass,
        g.createdAt,
        g.last.mtime,
        g.count - 1,
        g.last.body,
        cap,
      ),
    );
    await this.upsert(rows, WRITE_SUFFIX, false);
  }

  /** Newest last_modified first, optionally for one decky. */
  async listFiles(q: FileListQuery): Promise<Page<SyntheticFile>> {
    validatePaging(q);
    return this.db.transaction(async (trx) => {
      const counted = (await (q.deckyUuid === undefined ? trx(TABLE) : trx(TABLE).where({ decky_uuid: q.deckyUuid }))
        .count({ n: '*' })
        .first()) as { n: number } | undefined;
      const base = withAuthors(trx);
      const rows = (await (q.deckyUuid === undefined ? base : base.where('f.decky_uuid', q.deckyUuid))
        .orderBy([
          { column: 'f.last_modified', order: 'desc' },
          { column: `f.${this.order}`, order: 'desc' },
        ])
        .limit(q.limit)
        .offset(q.offset)) as Row[];
      return { total: Number(counted?.n ?? 0), limit: q.limit, offset: q.offset, data: rows.map(fromRow) };
    });
  }

  /** Every file of one decky, oldest created first. */
  async filesOf(deckyUuid: string): Promise<SyntheticFile[]> {
    const rows = (await withAuthors(this.db)
      .where('f.decky_uuid', deckyUuid)
      .orderBy([{ column: 'f.created_at' }, { column: `f.${this.order}` }])) as Row[];
    return rows.map(fromRow);
  }

  /** One file by decky and path, or null. */
  async getFile(deckyUuid: string, path: string): Promise<SyntheticFile | null> {
    const row = (await withAuthors(this.db).where({ 'f.decky_uuid': deckyUuid, 'f.path': path }).first()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  private bodyCap(): number {
    return dialectOf(this.db) === 'mysql' ? MYSQL_TEXT_BYTES : MAX_STORED_BODY;
  }

  // `whole`: a put states the author too (none → forget it); a write without one keeps the earlier
  private async upsert(rows: Row[], suffix: string, whole: boolean): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => COLUMNS.map((c) => r[c]));
    const authors = rows.filter((r) => r.author !== null).map((r) => [r.decky_uuid, r.path, r.author]);
    const anonymous = rows.filter((r) => r.author === null).map((r) => [r.decky_uuid, r.path]);
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        for (const part of chunks(values, CHUNK)) await insertValues(trx, TABLE, COLUMNS, part, suffix);
        for (const part of chunks(authors, CHUNK)) await insertValues(trx, AUTHORS, AUTHOR_COLUMNS, part, AUTHOR_SUFFIX);
        if (whole)
          for (const part of chunks(anonymous, CHUNK))
            await trx(AUTHORS)
              .whereIn(['decky_uuid', 'path'], part as string[][])
              .del();
      }),
    );
  }
}

function withAuthors(db: Db) {
  return db(`${TABLE} as f`)
    .leftJoin(`${AUTHORS} as a`, function () {
      this.on('a.decky_uuid', 'f.decky_uuid').andOn('a.path', 'f.path');
    })
    .select('f.*', 'a.author as author');
}

// a batch's writes to one (decky, path): the first write's time, the last state, how many
interface WriteGroup {
  last: SyntheticFileWrite;
  createdAt: Date;
  /** the newest author given (a write without one keeps the earlier) */
  author: string | null;
  /** the newest display name given, likewise */
  persona: string | null;
  count: number;
}

// writes folded to one group per (decky, path), in order of first appearance
function coalesceWrites(writes: readonly SyntheticFileWrite[]): WriteGroup[] {
  const groups = new Map<string, WriteGroup>();
  for (const w of writes) {
    const key = `${w.deckyUuid}\u0000${w.path}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { last: w, createdAt: w.mtime, author: w.author, persona: w.persona ?? null, count: 1 });
    else
      groups.set(key, {
        last: w,
        createdAt: g.createdAt,
        author: w.author ?? g.author,
        persona: w.persona ?? g.persona,
        count: g.count + 1,
      });
  }
  return [...groups.values()];
}

function toRow(
  deckyUuid: string,
  path: string,
  author: string | null,
  persona: string | null | undefined,
  contentClass: string,
  createdAt: Date,
  lastModified: Date,
  editCount: number,
  body: string,
  cap: number,
): Row {
  // `cap` bytes (≤ MAX_STORED_BODY) are at most as many characters: within DECNET's 65,536-character cap.
  const kept = capUtf8(body, cap);
  return {
    uuid: randomUUID(),
    decky_uuid: deckyUuid,
    path,
    // DECNET's column is NOT NULL: '' when no display name is given (a write then keeps the earlier)
    persona: persona ?? '',
    author,
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
  const persona = r.persona === null || r.persona === undefined || r.persona === '' ? null : String(r.persona);
  const author = r.author !== null && r.author !== undefined ? String(r.author) : persona;
  const file: SyntheticFile = {
    deckyUuid: String(r.decky_uuid),
    path: String(r.path),
    author,
    contentClass: String(r.content_class),
    createdAt: fromDecnetTime(r.created_at),
    lastModified: fromDecnetTime(r.last_modified),
    editCount: Number(r.edit_count),
    contentHash,
    body,
    bodyTruncated: sha256(body) !== contentHash,
  };
  // a display name apart from the author key (an upgraded earlier row holds the key itself)
  if (persona !== null && persona !== author) file.persona = persona;
  return file;
}

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
function capUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  // step back over continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
