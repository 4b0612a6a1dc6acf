import type { RealismReportJson } from '../../actors/realism/realism-report.js';
import type { Parsed } from './query.js';
import { sendError, sendJson } from './respond.js';
import type { Route } from './route.js';

/** Path of the realism report (the same JSON as `decnet-orchestrator realism check --json`). */
export const REALISM_CHECK_PATH = '/api/v1/realism/check';
/** Default bound on one report: inspection reads every decky through docker exec. */
const REALISM_CHECK_TIMEOUT_MS = 120_000;

/** Builds one realism report; `inspect` also reads the deckies' files and spools. */
type RealismCheckSource = (opts: { inspect: boolean }) => Promise<RealismReportJson>;

/** Parses `inspect` (true|false|1|0, default false). */
export function parseRealismQuery(q: URLSearchParams): Parsed<{ inspect: boolean }> {
  const all = q.getAll('inspect');
  if (all.length > 1) return { ok: false, reason: 'inspect given more than once' };
  const v = all[0];
  if (v === undefined || v === 'false' || v === '0') return { ok: true, value: { inspect: false } };
  if (v === 'true' || v === '1') return { ok: true, value: { inspect: true } };
  return { ok: false, reason: 'inspect must be true, false, 1 or 0' };
}

/**
 * `GET /api/v1/realism/check[?inspect=1]`: 200 with the report whatever its verdict (a failed
 * check is a finding, not an HTTP error); one report at a time (429 while one runs, even past its
 * bound, so slow inspections never pile up); 504 when it takes longer than `timeoutMs`.
 */
export function createRealismRoute(check: RealismCheckSource, timeoutMs: number = REALISM_CHECK_TIMEOUT_MS): Route {
  let running = false;
  return async (res, q) => {
    const p = parseRealismQuery(q);
    if (!p.ok) return sendError(res, 422, 'invalid query', p.reason);
    if (running) return sendError(res, 429, 'busy', 'a realism check is already running', { 'Retry-After': '10' });
    running = true;
    // the deadline below bounds the wait, not the socket's stall timer (nothing is sent meanwhile)
    res.socket?.setTimeout(0);
    const work = check(p.value).finally(() => {
      running = false;
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([work, expired]);
      if (result === 'timeout') {
        // the report still finishes in the background; its rejection must not go unhandled
        work.catch(() => undefined);
        return sendError(res, 504, 'timeout', `the realism check took longer than ${Math.round(timeoutMs / 1000)} s`);
      }
      sendJson(res, 200, result);
    } finally {
      clearTimeout(timer);
    }
  };
}
