import type { BackfillKind, BackfillLogPort, BackfillRecord, BackfillStatus } from '../../backfill-log.port.js';
import { withBusyRetry } from './busy-retry.js';
import type { Db } from './orm.types.js';
import { insertValues } from './row-codec.js';
import { fromDecnetTime, toDecnetTime } from '../../decnet-format.js';

// the project's own table: DECNET has no notion of a backfill
const TABLE = 'orch_decky_backfills';
const COLUMNS = ['decky_uuid', 'kind', 'status', 'at', 'attempts', 'items', 'failures', 'detail'] as const;
const UPSERT = `on conflict (decky_uuid, kind) do update set status = excluded.status, at = excluded.at,
  attempts = ${TABLE}.attempts + 1, items = excluded.items, failures = excluded.failures, detail = excluded.detail`;
const FINAL: readonly BackfillStatus[] = ['done', 'skipped'];
const MAX_DETAIL = 500;

type Row = Record<(typeof COLUMNS)[number], unknown>;

/** `orch_decky_backfills` through knex, for SQLite and PostgreSQL alike: one row per (decky, kind). */
export class SqlBackfillLog implements BackfillLogPort {
  constructor(private readonly db: Db) {}

  /** Upserts the outcome and answers the stored row (attempts counted up). */
  async recordBackfill(rec: Omit<BackfillRecord, 'attempts'>): Promise<BackfillRecord> {
    const detail = rec.detail === null ? null : Array.from(rec.detail).slice(0, MAX_DETAIL).join('');
    const values = [rec.deckyUuid, rec.kind, rec.status, toDecnetTime(rec.at), 1, rec.items, rec.failures, detail];
    return withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        await insertValues(trx, TABLE, COLUMNS, [values], UPSERT);
        const row = (await trx(TABLE).where({ decky_uuid: rec.deckyUuid, kind: rec.kind }).first()) as Row;
        return fromRow(row);
      }),
    );
  }

  /** The last outcome for one decky and kind, or null. */
  async getBackfill(deckyUuid: string, kind: BackfillKind): Promise<BackfillRecord | null> {
    const row = (await this.db(TABLE).where({ decky_uuid: deckyUuid, kind }).first()) as Row | undefined;
    return row === undefined ? null : fromRow(row);
  }

  /** Deckies whose backfill of `kind` is done or skipped. */
  async finishedDeckies(kind: BackfillKind): Promise<Set<string>> {
    const rows = (await this.db(TABLE)
      .where({ kind })
      .whereIn('status', [...FINAL])
      .select('decky_uuid')) as Pick<Row, 'decky_uuid'>[];
    return new Set(rows.map((r) => String(r.decky_uuid)));
  }
}

function fromRow(r: Row): BackfillRecord {
  return {
    deckyUuid: String(r.decky_uuid),
    kind: String(r.kind) as BackfillKind,
    status: String(r.status) as BackfillStatus,
    at: fromDecnetTime(r.at),
    attempts: Number(r.attempts),
    items: Number(r.items),
    failures: Number(r.failures),
    detail: r.detail === null || r.detail === undefined ? null : String(r.detail),
  };
}
