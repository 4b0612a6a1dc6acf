import { all } from '../fixtures/decnet/decnet-db.js';

/** One row of DECNET's `GET /api/v1/orchestrator/events`: its columns, `payload` still a JSON string. */
export interface DecnetApiEvent {
  uuid: string;
  /** ISO without an offset, as DECNET's API serialises a naive UTC datetime (`2026-06-20T08:00:00.123000`) */
  ts: string;
  kind: string;
  protocol: string;
  action: string;
  src_decky_uuid: string | null;
  dst_decky_uuid: string;
  success: boolean;
  payload: string;
}

/** DECNET's page shape for that route. */
export interface DecnetApiPage {
  total: number;
  limit: number;
  offset: number;
  data: DecnetApiEvent[];
}

interface RawRow {
  uuid: string;
  ts: string;
  kind: string;
  protocol: string;
  action: string;
  src_decky_uuid: string | null;
  dst_decky_uuid: string;
  success: number;
  payload: string;
}

/**
 * Reads `orchestrator_events` of a SQLite file as DECNET's API answers `GET /orchestrator/events`
 * (DECNET-COMPAT §6): newest first, `{total,limit,offset,data}`, rows with DECNET's column names,
 * `payload` as the stored JSON text, `ts` the stored naive UTC text in ISO form.
 */
export async function decnetEventsPage(dbPath: string, q: { limit?: number; offset?: number; kind?: string } = {}): Promise<DecnetApiPage> {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const where = q.kind === undefined ? '' : 'WHERE kind = ?';
  const params = q.kind === undefined ? [] : [q.kind];
  const [{ n }] = (await all<{ n: number }>(dbPath, `SELECT count(*) AS n FROM orchestrator_events ${where}`, params)) as [{ n: number }];
  const rows = await all<RawRow>(dbPath, `SELECT * FROM orchestrator_events ${where} ORDER BY ts DESC LIMIT ? OFFSET ?`, [
    ...params,
    limit,
    offset,
  ]);
  return {
    total: n,
    limit,
    offset,
    data: rows.map((r) => ({
      uuid: r.uuid,
      ts: r.ts.replace(' ', 'T'),
      kind: r.kind,
      protocol: r.protocol,
      action: r.action,
      src_decky_uuid: r.src_decky_uuid,
      dst_decky_uuid: r.dst_decky_uuid,
      success: r.success === 1,
      payload: r.payload,
    })),
  };
}
