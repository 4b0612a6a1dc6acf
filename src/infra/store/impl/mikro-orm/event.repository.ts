import type { EventKind, EventStorePort, ListQuery, OrchestratorEvent, Page } from '../../event-store.port.js';
import { StoreQueryError, isEventKind, validateKeep, validateListQuery } from '../../store-errors.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { chunks, decodePayload, fromDbBool, insertValues, toDbBool } from './row-codec.js';

// 9 columns × 1000 rows = 9,000 bound variables per statement, far under SQLite's limit.
const CHUNK = 1000;
const COLUMNS = ['uuid', 'ts', 'kind', 'protocol', 'action', 'src_decky_uuid', 'dst_decky_uuid', 'success', 'payload'] as const;

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

/** `orchestrator_events` through knex (SQLite or PostgreSQL): multi-row inserts, window-function retention (SPEC §4). */
export class SqliteEventStore implements EventStorePort {
  constructor(private readonly db: Db) {}

  /** Writes all rows in one transaction, as multi-row INSERTs. */
  async recordEvents(events: readonly OrchestratorEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toDbRow).map((r) => COLUMNS.map((c) => r[c]));
    // one statement is atomic on its own: BEGIN and COMMIT would be two more round trips per batch
    if (rows.length <= CHUNK) {
      await withBusyRetry(() => insertValues(this.db, 'orchestrator_events', COLUMNS, rows));
      return;
    }
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        for (const part of chunks(rows, CHUNK)) await insertValues(trx, 'orchestrator_events', COLUMNS, part);
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
          { column: 'rowid', order: 'desc' },
        ])
        .limit(q.limit)
        .offset(q.offset)) as EventDbRow[];
      return { total: Number(counted?.n ?? 0), limit: q.limit, offset: q.offset, data: rows.map(fromDbRow) };
    });
  }

  /** Keeps the newest `keep` rows per dst_decky_uuid with one DELETE; only over-cap dsts are read. */
  async pruneEvents(keep: number): Promise<number> {
    validateKeep(keep);
    return withBusyRetry(() => pruneNewest(this.db, 'orchestrator_events', 'dst_decky_uuid', keep));
  }
}

/**
 * One statement, so one transaction: rank rows per partition newest first and delete the tail.
 * The HAVING pre-filter keeps partitions under the cap out of the window scan entirely.
 */
export async function pruneNewest(db: Db, table: string, partition: string, keep: number): Promise<number> {
  const doomed = `select rowid from (
       select rowid, row_number() over (partition by ${partition} order by ts desc, rowid desc) as rn
         from ${table}
        where ${partition} in (select ${partition} from ${table} group by ${partition} having count(*) > ?)
     ) as ranked where rn > ?`;
  return db(table).whereRaw(`rowid in (${doomed})`, [keep, keep]).del();
}

function toDbRow(e: OrchestratorEvent): EventDbRow {
  if (!isEventKind(e.kind)) throw new StoreQueryError(`event ${e.uuid}: unknown kind ${String(e.kind)}`);
  return {
    uuid: e.uuid,
    ts: e.ts.toISOString(),
    kind: e.kind,
    protocol: e.protocol,
    action: e.action,
    src_decky_uuid: e.srcDeckyUuid,
    dst_decky_uuid: e.dstDeckyUuid,
    success: toDbBool(e.success),
    payload: JSON.stringify(e.payload),
  };
}

function fromDbRow(r: EventDbRow): OrchestratorEvent {
  return {
    uuid: r.uuid,
    ts: new Date(r.ts),
    kind: r.kind as EventKind,
    protocol: r.protocol as OrchestratorEvent['protocol'],
    action: r.action,
    srcDeckyUuid: r.src_decky_uuid,
    dstDeckyUuid: r.dst_decky_uuid,
    success: fromDbBool(r.success),
    payload: decodePayload(r.payload),
  };
}
