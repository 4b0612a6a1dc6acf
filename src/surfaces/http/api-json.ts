import type { Envelope } from '../../infra/bus/bus.port.js';
import type { EmailRecord } from '../../domain/email-record.js';
import type { Page } from '../../domain/page.js';
import type { OrchestratorEvent } from '../../domain/event.js';
import type { ApiEventKind, ApiSources } from './api-sources.port.js';
import type { EventsParams, Parsed } from './query.js';

/** An event as the API shows it: the SPEC §4.1 columns, snake_case, email rows folded in. */
export interface ApiEvent {
  uuid: string;
  ts: string;
  kind: string;
  protocol: string;
  action: string;
  src_decky_uuid: string | null;
  dst_decky_uuid: string | null;
  success: boolean | null;
  payload: Record<string, unknown>;
}

/** Without a kind filter the two tables are merged in memory; deeper pages need `kind`. */
const MERGE_WINDOW = 10_000;

/** Maps an event-store row. */
function eventToApi(e: OrchestratorEvent): ApiEvent {
  return {
    uuid: e.uuid,
    ts: e.ts.toISOString(),
    kind: e.kind,
    protocol: e.protocol,
    action: e.action,
    src_decky_uuid: e.srcDeckyUuid,
    dst_decky_uuid: e.dstDeckyUuid,
    success: e.success,
    payload: e.payload,
  };
}

/** Adapts an `orchestrator_emails` row (SPEC §4.2) to the event shape; the mail decky is the destination. */
function emailToApi(r: EmailRecord): ApiEvent {
  const stage = typeof r.payload.stage === 'string' ? r.payload.stage : r.success ? 'delivered' : 'failed';
  return {
    uuid: r.uuid,
    ts: r.ts.toISOString(),
    kind: 'email',
    protocol: 'mail',
    action: `email:${stage}`,
    src_decky_uuid: null,
    dst_decky_uuid: r.mailDeckyUuid,
    success: r.success,
    payload: {
      ...r.payload,
      thread_id: r.threadId,
      message_id: r.messageId,
      in_reply_to: r.inReplyTo,
      sender_email: r.senderEmail,
      recipient_email: r.recipientEmail,
      subject: r.subject,
      language: r.language,
      eml_path: r.emlPath,
    },
  };
}

/** Adapts a live bus envelope on `orchestrator.<kind>.<dst>`, whatever casing its payload uses. */
export function envelopeToApi(env: Envelope): ApiEvent & { topic: string; type: string } {
  const [, kind = '', dst] = env.topic.split('.');
  const p = env.payload;
  const str = (...vals: unknown[]): string | null => {
    for (const v of vals) if (typeof v === 'string') return v;
    return null;
  };
  return {
    uuid: str(p.uuid) ?? env.id,
    ts: str(p.ts) ?? env.ts,
    kind,
    protocol: str(p.protocol) ?? (kind === 'email' ? 'mail' : 'ssh'),
    action: str(p.action) ?? env.type,
    src_decky_uuid: str(p.src_decky_uuid, p.srcDeckyUuid),
    dst_decky_uuid: str(p.dst_decky_uuid, p.dstDeckyUuid, p.mail_decky_uuid, p.mailDeckyUuid) ?? dst ?? null,
    success: typeof p.success === 'boolean' ? p.success : typeof p.rc === 'number' ? p.rc === 0 : null,
    payload: p,
    topic: env.topic,
    type: env.type,
  };
}

/** Lists events for the API: one table by kind, or both merged newest first. */
export async function listApiEvents(sources: ApiSources, q: EventsParams): Promise<Parsed<Page<ApiEvent>>> {
  const page = { limit: q.limit, offset: q.offset };
  if (q.kind === 'email') {
    if (!sources.listEmails) return { ok: true, value: { total: 0, ...page, data: [] } };
    const r = await sources.listEmails(page);
    return { ok: true, value: { ...r, data: r.data.map(emailToApi) } };
  }
  if (q.kind !== undefined || !sources.listEmails) {
    const r = await sources.listEvents(q.kind ? { ...page, kind: q.kind as Exclude<ApiEventKind, 'email'> } : page);
    return { ok: true, value: { ...r, data: r.data.map(eventToApi) } };
  }
  const need = q.offset + q.limit;
  if (need > MERGE_WINDOW) {
    return { ok: false, reason: `without kind, offset+limit must be at most ${MERGE_WINDOW}; pass kind to page deeper` };
  }
  const listEmails = sources.listEmails.bind(sources);
  const [events, emails] = await Promise.all([
    topRows((p) => sources.listEvents(p), need, eventToApi),
    topRows(listEmails, need, emailToApi),
  ]);
  const data = [...events.rows, ...emails.rows].sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  return { ok: true, value: { total: events.total + emails.total, ...page, data: data.slice(q.offset, need) } };
}

// the newest `need` rows of one table, in store-sized pages.
async function topRows<T>(
  list: (p: { limit: number; offset: number }) => Promise<Page<T>>,
  need: number,
  map: (row: T) => ApiEvent,
): Promise<{ total: number; rows: ApiEvent[] }> {
  const rows: ApiEvent[] = [];
  let total = 0;
  while (rows.length < need) {
    const page = await list({ limit: Math.min(1000, need - rows.length), offset: rows.length });
    total = page.total;
    rows.push(...page.data.map(map));
    if (page.data.length === 0 || rows.length >= total) break;
  }
  return { total, rows };
}
