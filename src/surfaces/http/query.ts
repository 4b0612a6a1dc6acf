import { API_EVENT_KINDS, type ApiEventKind } from './api-sources.port.js';

/** A parsed value, or the reason it was refused (sent back as 422). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Query of `GET /api/v1/orchestrator/events`. */
export interface EventsParams {
  limit: number;
  offset: number;
  kind?: ApiEventKind;
}

/** Query of `GET /api/v1/orchestrator/events/stats`. */
interface StatsParams {
  /** the window as given (`1h`) and its length */
  window: string;
  windowMs: number;
  success?: boolean;
}

const MAX_OFFSET = 1_000_000_000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_WINDOW_MS = 31 * UNIT_MS.d;
const THREAD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Parses `limit` (1..1000, default 50), `offset` (≥ 0) and `kind` (traffic|file|email). */
export function parseEventsQuery(q: URLSearchParams): Parsed<EventsParams> {
  const limit = intParam(q, 'limit', 50, 1, 1000);
  if (!limit.ok) return limit;
  const offset = intParam(q, 'offset', 0, 0, MAX_OFFSET);
  if (!offset.ok) return offset;
  const kind = single(q, 'kind');
  if (!kind.ok) return kind;
  if (kind.value === undefined) return { ok: true, value: { limit: limit.value, offset: offset.value } };
  if (!(API_EVENT_KINDS as readonly string[]).includes(kind.value)) {
    return { ok: false, reason: `kind must be one of ${API_EVENT_KINDS.join(', ')}` };
  }
  return { ok: true, value: { limit: limit.value, offset: offset.value, kind: kind.value as ApiEventKind } };
}

/** Parses `since` (`<n>m|h|d`, up to 31 days, default `1h`) and `success` (true|false). */
export function parseStatsQuery(q: URLSearchParams): Parsed<StatsParams> {
  const since = single(q, 'since');
  if (!since.ok) return since;
  const window = since.value ?? '1h';
  const m = /^([1-9]\d{0,4})([mhd])$/.exec(window);
  const windowMs = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!m || windowMs > MAX_WINDOW_MS) {
    return { ok: false, reason: 'since must be a duration such as 30m, 1h, 24h or 7d (at most 31d)' };
  }
  const success = single(q, 'success');
  if (!success.ok) return success;
  if (success.value === undefined) return { ok: true, value: { window, windowMs } };
  if (success.value !== 'true' && success.value !== 'false') return { ok: false, reason: 'success must be true or false' };
  return { ok: true, value: { window, windowMs, success: success.value === 'true' } };
}

/** Accepts a thread id as the store writes them (uuid-like, ≤ 128 safe characters). */
export function parseThreadId(raw: string): Parsed<string> {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return { ok: false, reason: 'thread id is not valid percent-encoding' };
  }
  return THREAD_ID.test(id) ? { ok: true, value: id } : { ok: false, reason: 'thread id must be 1..128 of A-Z a-z 0-9 . _ : -' };
}

function single(q: URLSearchParams, name: string): Parsed<string | undefined> {
  const all = q.getAll(name);
  if (all.length > 1) return { ok: false, reason: `${name} given more than once` };
  return { ok: true, value: all[0] };
}

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): Parsed<number> {
  const s = single(q, name);
  if (!s.ok) return s;
  if (s.value === undefined) return { ok: true, value: dflt };
  if (!/^\d{1,10}$/.test(s.value) || Number(s.value) < min || Number(s.value) > max) {
    return { ok: false, reason: `${name} must be an integer in ${min}..${max}` };
  }
  return { ok: true, value: Number(s.value) };
}
