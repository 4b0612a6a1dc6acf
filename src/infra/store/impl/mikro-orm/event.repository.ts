import type { EventStorePort, ListQuery } from '../../event-store.port.js';
import type { Page } from '../../../../domain/page.js';
import type { EventKind, OrchestratorEvent } from '../../../../domain/event.js';
import { StoreQueryError, isEventKind, validateKeep, validateListQuery } from '../../store-errors.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { runPrepared } from './prepared-statement.js';
import { chunks, decodePayload, dialectOf, fromDbBool, insertValues, toDbBool } from './row-codec.js';
import { fromDecnetTime, pyJsonDumps, toDecnetTime } from '../../decnet-format.js';
import { EVENT_COLUMNS } from './written-columns.js';

// 9 columns × 1000 rows = 9,000 bound variables per statement, far under SQLite's limit.
const CHUNK = 1000;
const COLUMNS = EVENT_COLUMNS;

// SQLite, a full chunk (the writer's batch under load) alone: one statement prepared once per
// connection. SQLite's own thread is the writer's bottleneck, and bound values cost it the least.
const FULL_CHUNK_INSERT = `insert into orchestrator_events (${COLUMNS.join(', ')}) values ${Array(CHUNK)
  .fill(`(${COLUMNS.map(() => '?').join(', ')})`)
  .join(', ')}`;

// SQLite, any other chunk: ONE bound parameter, a JSON array of row arrays in COLUMNS order,
// unpacked by json_each (SQLite 3.38+; the sqlite3 package bundles 3.44): no statement text
// grows with the rows. `->>` yields SQL text, integer or NULL: rows are stored as bound values are.
const JSON_INSERT = `insert into orchestrator_events (${COLUMNS.join(', ')}) select ${COLUMNS.map((_, i) => `value ->> ${i}`).join(', ')} from json_each(?)`;

interface EventDbRow {
  uuid: string;
  ts: string;
  kind: string;
  protocol: string;
  action: string;
  src_decky_uuid: string | null;
  dst_decky_uuid: string;
  success: number | boolean;
  payload: unknown;
}

/**
 * `orchestrator_events` on SQLite, PostgreSQL or MySQL, rows as DECNET's worker writes them
 * (DECNET's API returns them unchanged): multi-row inserts, window-function retention (SPEC §4).
 * `order` breaks `ts` ties: `rowid` (insertion order) where the table has one, else `uuid`.
 */
export class SqliteEventStore implements EventStorePort {
  constructor(
    private readonly db: Db,
    private readonly order: TieBreak = 'rowid',
  ) {}

  /** Writes all rows in one transaction, as multi-row INSERTs with bound values. */
  async recordEvents(events: readonly OrchestratorEvent[]): Promise<void> {
    if (events.length === 0) return;
    const parts = chunks(events.map(toDbValues), CHUNK);
    const sqlite = (this.db.client as { dialect?: string }).dialect === 'sqlite3';
    // one statement is atomic on its own: BEGIN and COMMIT would be two more round trips per batch
    if (parts.length === 1) {
      await withBusyRetry(() => insertChunk(this.db, parts[0]!, sqlite, true));
      return;
    }
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        for (const part of parts) await insertChunk(trx, part, sqlite, false);
      }),
    );
  }

  /** Newest first, with the total matching the filter (SPEC §4.3). */
  async listEvents(q: ListQuery): Promise<Page<OrchestratorEvent>> {
    validateListQuery(q);
    // one read transaction: total and page come from the same snapshot.
    return this.db.transaction(async (trx) => {
      const where = (qb: ReturnType<Db>) => (q.kind === undefined ? qb : qb.where({ kind: q.kind }));
      const counted = (await where(trx('orchestrator_events')).count({ n: '*' }).first()) as { n: number } | undefined;
      const rows = (await where(trx('orchestrator_events'))
        .select('*')
        .orderBy([
          { column: 'ts', order: 'desc' },
          { column: this.order, order: 'desc' },
        ])
        .limit(q.limit)
        .offset(q.offset)) as EventDbRow[];
      return { total: Number(counted?.n ?? 0), limit: q.limit, offset: q.offset, data: rows.map(fromDbRow) };
    });
  }

  /** Keeps the newest `keep` rows per dst_decky_uuid with one DELETE; only over-cap dsts are read. */
  async pruneEvents(keep: number): Promise<number> {
    validateKeep(keep);
    return withBusyRetry(() => pruneNewest(this.db, 'orchestrator_events', 'dst_decky_uuid', keep, this.order));
  }
}

// `alone`: outside a transaction, so the pool's one connection can be taken for the prepared form
function insertChunk(db: Db, part: unknown[][], sqlite: boolean, alone: boolean): Promise<unknown> {
  if (!sqlite) return insertValues(db, 'orchestrator_events', COLUMNS, part);
  if (alone && part.length === CHUNK) return runPrepared(db, FULL_CHUNK_INSERT, flatten(part));
  return db.raw(JSON_INSERT, [JSON.stringify(part)]);
}

// a plain loop: Array.prototype.flat takes ~1.5 ms on 9,000 values here, this ~0.1 ms
function flatten(rows: readonly unknown[][]): unknown[] {
  const out: unknown[] = [];
  for (const row of rows) for (const v of row) out.push(v);
  return out;
}

/**
 * One statement, so one transaction: rank rows per partition newest first and delete the tail.
 * The HAVING pre-filter keeps partitions under the cap out of the window scan entirely.
 */
export async function pruneNewest(db: Db, table: string, partition: string, keep: number, order: TieBreak = 'rowid'): Promise<number> {
  if (dialectOf(db) === 'mysql') return pruneNewestMysql(db, table, partition, keep, order);
  const doomed = `select rowid from (
       select rowid, row_number() over (partition by ${partition} order by ts desc, rowid desc) as rn
         from ${table}
        where ${partition} in (select ${partition} from ${table} group by ${partition} having count(*) > ?)
     ) as ranked where rn > ?`;
  return db(table).whereRaw(`rowid in (${doomed})`, [keep, keep]).del();
}

/** What breaks `ts` ties: insertion order where the table has a rowid, else the primary key. */
export type TieBreak = 'rowid' | 'uuid';

// MySQL refuses a DELETE reading its own table in a subquery: join the ranked keys instead.
async function pruneNewestMysql(db: Db, table: string, partition: string, keep: number, order: TieBreak): Promise<number> {
  const [res] = (await db.raw(
    `delete t from ${table} t join (
       select uuid from (
         select uuid, row_number() over (partition by ${partition} order by ts desc, ${order} desc) as rn
           from ${table}
          where ${partition} in (select ${partition} from ${table} group by ${partition} having count(*) > ?)
       ) as ranked where rn > ?
     ) as doomed on doomed.uuid = t.uuid`,
    [keep, keep],
  )) as unknown as [{ affectedRows: number }];
  return Number(res.affectedRows);
}

/** One row's values in COLUMNS order, in DECNET's formats: naive UTC text, 0/1, json.dumps payload. */
function toDbValues(e: OrchestratorEvent): unknown[] {
  if (!isEventKind(e.kind)) throw new StoreQueryError(`event ${e.uuid}: unknown kind ${String(e.kind)}`);
  return [
    e.uuid,
    toDecnetTime(e.ts),
    e.kind,
    e.protocol,
    e.action,
    e.srcDeckyUuid,
    e.dstDeckyUuid,
    toDbBool(e.success),
    pyJsonDumps(e.payload),
  ];
}

function fromDbRow(r: EventDbRow): OrchestratorEvent {
  return {
    uuid: r.uuid,
    ts: fromDecnetTime(r.ts),
    kind: r.kind as EventKind,
    protocol: r.protocol as OrchestratorEvent['protocol'],
    action: r.action,
    srcDeckyUuid: r.src_decky_uuid,
    dstDeckyUuid: r.dst_decky_uuid,
    success: fromDbBool(r.success),
    payload: decodePayload(r.payload),
  };
}
