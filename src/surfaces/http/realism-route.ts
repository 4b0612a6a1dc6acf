import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RealismReportJson } from '../../actors/realism/realism-report.js';
import type { Parsed } from './query.js';
import { readJsonBody } from './request-body.js';
import { sendError, sendJson } from './respond.js';
import type { Route } from './route.js';

/** Path of the realism report (the same JSON as `decnet-orchestrator realism check --json`). */
export const REALISM_CHECK_PATH = '/api/v1/realism/check';
/** Default bound on one report: inspection reads every decky through docker exec. */
const REALISM_CHECK_TIMEOUT_MS = 120_000;
const MAX_BODY_BYTES = 1024;

/** Builds one realism report; `inspect` also reads the deckies' files and spools; `signal` aborts it. */
type RealismCheckSource = (opts: { inspect: boolean; signal: AbortSignal }) => Promise<RealismReportJson>;

/** The report's two methods: GET reads the store only, POST may also inspect the deckies. */
interface RealismRoute {
  get: Route;
  post(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void>;
}

/** Parses `inspect` (true|false|1|0, default false). */
export function parseRealismQuery(q: URLSearchParams): Parsed<{ inspect: boolean }> {
  const all = q.getAll('inspect');
  if (all.length > 1) return { ok: false, reason: 'inspect given more than once' };
  const v = all[0];
  if (v === undefined || v === 'false' || v === '0') return { ok: true, value: { inspect: false } };
  if (v === 'true' || v === '1') return { ok: true, value: { inspect: true } };
  return { ok: false, reason: 'inspect must be true, false, 1 or 0' };
}

/** Parses the POST body `{inspect?: boolean}` beside the query's `inspect`. */
export function parseRealismBody(body: Record<string, unknown>, q: URLSearchParams): Parsed<{ inspect: boolean }> {
  const fromQuery = parseRealismQuery(q);
  if (!fromQuery.ok) return fromQuery;
  const unknown = Object.keys(body).find((k) => k !== 'inspect');
  if (unknown !== undefined) return { ok: false, reason: `unknown field ${JSON.stringify(unknown.slice(0, 32))}` };
  if (body.inspect === undefined) return fromQuery;
  if (typeof body.inspect !== 'boolean') return { ok: false, reason: 'inspect must be true or false' };
  if (q.has('inspect')) return { ok: false, reason: 'inspect given in both the query and the body' };
  return { ok: true, value: { inspect: body.inspect } };
}

/**
 * `GET /api/v1/realism/check` (the store-only report) and `POST` with `{"inspect": true}` (also
 * execs in every decky, so a cross-site GET can never start it): 200 with the report whatever its
 * verdict; one report at a time (429 while one runs, even past its bound, so slow inspections never
 * pile up); 504 past `timeoutMs`, and then the report is aborted so no further exec starts.
 */
export function createRealismRoute(check: RealismCheckSource, timeoutMs: number = REALISM_CHECK_TIMEOUT_MS): RealismRoute {
  let running = false;
  const run = async (res: ServerResponse, inspect: boolean): Promise<void> => {
    if (running) return sendError(res, 429, 'busy', 'a realism check is already running', { 'Retry-After': '10' });
    running = true;
    // the deadline below bounds the wait, not the socket's stall timer (nothing is sent meanwhile)
    res.socket?.setTimeout(0);
    const abort = new AbortController();
    const work = check({ inspect, signal: abort.signal }).finally(() => {
      running = false;
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([work, expired]);
      if (result === 'timeout') {
        abort.abort(new Error('the realism check passed its deadline'));
        // the aborted report settles in the background; its rejection must not go unhandled
        work.catch(() => undefined);
        return sendError(res, 504, 'timeout', `the realism check took longer than ${Math.round(timeoutMs / 1000)} s`);
      }
      sendJson(res, 200, result);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    async get(res, q) {
      const p = parseRealismQuery(q);
      if (!p.ok) return sendError(res, 422, 'invalid query', p.reason);
      if (p.value.inspect) {
        return sendError(
          res,
          405,
          'method not allowed',
          `inspection execs in every decky: POST ${REALISM_CHECK_PATH} with {"inspect": true}`,
          { Allow: 'POST' },
        );
      }
      return run(res, false);
    },
    async post(req, res, q) {
      const body = await readJsonBody(req, MAX_BODY_BYTES);
      if (!body.ok)
        return sendError(res, body.status ?? 422, 'invalid body', body.reason, body.status === 413 ? { Connection: 'close' } : {});
      const p = parseRealismBody(body.value, q);
      if (!p.ok) return sendError(res, 422, 'invalid request', p.reason);
      return run(res, p.value.inspect);
    },
  };
}
