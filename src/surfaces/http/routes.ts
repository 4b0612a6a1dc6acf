import type { ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/registry.js';
import type { ApiSources, WorkerHealth } from './api-sources.port.js';
import { listApiEvents } from './api-json.js';
import { parseEventsQuery, parseStatsQuery, parseThreadId } from './query.js';
import { createRealismRoute, REALISM_CHECK_PATH } from './realism-route.js';
import { BASE_HEADERS, sendError, sendJson } from './respond.js';
import type { PostRoute, Route } from './route.js';

/** Route prefix of the thread reader. */
export const THREAD_PREFIX = '/api/v1/emails/threads/';

/** The JSON and metrics routes by method and exact path (the SSE stream and threads are handled beside). */
export function createRoutes(
  sources: ApiSources,
  now: () => number,
  opts: { realismTimeoutMs?: number } = {},
): { get: Map<string, Route>; post: Map<string, PostRoute> } {
  const routes = new Map<string, Route>([
    [
      '/api/v1/orchestrator/events',
      async (res, q) => {
        const p = parseEventsQuery(q);
        if (!p.ok) return sendError(res, 422, 'invalid query', p.reason);
        const page = await listApiEvents(sources, p.value);
        if (!page.ok) return sendError(res, 422, 'invalid query', page.reason);
        sendJson(res, 200, page.value);
      },
    ],
    [
      '/api/v1/orchestrator/events/stats',
      async (res, q) => {
        const p = parseStatsQuery(q);
        if (!p.ok) return sendError(res, 422, 'invalid query', p.reason);
        const since = new Date(now() - p.value.windowMs);
        const stats = await sources.eventStats(since, p.value.success);
        let total = 0;
        const byKind: Record<string, { total: number; success: number; failure: number }> = {};
        for (const [kind, c] of Object.entries(stats.byKind)) {
          if (!c) continue;
          byKind[kind] = { total: c.success + c.failure, success: c.success, failure: c.failure };
          total += c.success + c.failure;
        }
        sendJson(res, 200, {
          since: since.toISOString(),
          window: p.value.window,
          ...(p.value.success === undefined ? {} : { success: p.value.success }),
          total,
          by_kind: byKind,
        });
      },
    ],
    ['/api/v1/workers', async (res) => sendJson(res, 200, { data: sources.workers().map(workerToApi) })],
    [
      '/api/v1/deckies',
      async (res) => {
        const rows = await sources.listDeckies();
        sendJson(res, 200, {
          data: rows.map((d) => ({
            uuid: d.uuid,
            name: d.name,
            ip: d.ip,
            services: d.services,
            source: d.source,
            topology_id: d.topologyId ?? null,
            host_uuid: d.hostUuid ?? null,
            machine_state: d.machineState,
          })),
        });
      },
    ],
    [
      '/api/v1/personas',
      async (res) => {
        const rows = await sources.listPersonas();
        sendJson(res, 200, {
          data: rows.map((p) => ({
            scope: p.scope,
            name: p.name,
            email: p.email,
            role: p.role,
            tone: p.tone,
            language: p.language,
            active_hours: p.activeHours,
            timezone: p.timezone ?? null,
          })),
        });
      },
    ],
    [
      '/metrics',
      async (res) => {
        const text = await sources.metricsText();
        res.writeHead(200, {
          ...BASE_HEADERS,
          'Content-Type': PROMETHEUS_CONTENT_TYPE,
          'Content-Length': String(Buffer.byteLength(text)),
        });
        res.end(text);
      },
    ],
  ]);
  const check = sources.realismCheck?.bind(sources);
  const post = new Map<string, PostRoute>();
  if (check) {
    const realism = createRealismRoute(check, opts.realismTimeoutMs);
    routes.set(REALISM_CHECK_PATH, realism.get);
    post.set(REALISM_CHECK_PATH, realism.post);
  }
  return { get: routes, post };
}

/** `GET /api/v1/emails/threads/:threadId`: the messages of one thread, oldest first. */
export async function serveThread(sources: ApiSources, rawId: string, res: ServerResponse): Promise<void> {
  const id = parseThreadId(rawId);
  if (!id.ok) return sendError(res, 422, 'invalid thread id', id.reason);
  const rows = sources.threadMessages ? await sources.threadMessages(id.value) : [];
  if (rows.length === 0) return sendError(res, 404, 'not found', 'no such thread');
  sendJson(res, 200, {
    thread_id: id.value,
    data: rows.map((m) => ({
      uuid: m.uuid,
      ts: m.ts.toISOString(),
      mail_decky_uuid: m.mailDeckyUuid,
      message_id: m.messageId,
      in_reply_to: m.inReplyTo,
      sender_email: m.senderEmail,
      recipient_email: m.recipientEmail,
      subject: m.subject,
      language: m.language,
      eml_path: m.emlPath,
      success: m.success,
      body: m.body ?? null,
    })),
  });
}

function workerToApi(w: WorkerHealth) {
  return { worker: w.worker, status: w.status, last_seen: w.lastSeen?.toISOString() ?? null, extra: w.extra };
}
