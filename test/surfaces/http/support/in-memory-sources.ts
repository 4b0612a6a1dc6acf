import type {
  ApiSources,
  DeckyView,
  EventStats,
  PersonaView,
  ThreadMessage,
  WorkerHealth,
} from '../../../../src/surfaces/http/api-sources.port.js';
import type { OrchestratorEvent } from '../../../../src/domain/event.js';

/** Rows the in-memory sources serve; tests push into the arrays directly. */
export interface MemoryData {
  events: OrchestratorEvent[];
  emails: ThreadMessage[];
  deckies: DeckyView[];
  personas: PersonaView[];
  workers: () => WorkerHealth[];
  metrics: () => string;
}

/** ApiSources over plain arrays, with the store's ordering and paging rules. */
export function inMemorySources(partial: Partial<MemoryData> = {}): ApiSources & { data: MemoryData } {
  const data: MemoryData = {
    events: [],
    emails: [],
    deckies: [],
    personas: [],
    workers: () => [],
    metrics: () => '',
    ...partial,
  };
  const newest = <T extends { ts: Date }>(rows: T[]): T[] => [...rows].sort((a, b) => b.ts.getTime() - a.ts.getTime());
  return {
    data,
    async listEvents(q) {
      const rows = newest(data.events.filter((e) => !q.kind || e.kind === q.kind));
      return { total: rows.length, limit: q.limit, offset: q.offset, data: rows.slice(q.offset, q.offset + q.limit) };
    },
    async listEmails(q) {
      const rows = newest(data.emails);
      return { total: rows.length, limit: q.limit, offset: q.offset, data: rows.slice(q.offset, q.offset + q.limit) };
    },
    async threadMessages(threadId) {
      return data.emails.filter((m) => m.threadId === threadId && m.success).sort((a, b) => a.ts.getTime() - b.ts.getTime());
    },
    async eventStats(since, success) {
      const stats: EventStats = { byKind: {} };
      const rows: { kind: 'traffic' | 'file' | 'email'; ts: Date; success: boolean }[] = [
        ...data.events,
        ...data.emails.map((m) => ({ kind: 'email' as const, ts: m.ts, success: m.success })),
      ];
      for (const r of rows) {
        if (r.ts < since || (success !== undefined && r.success !== success)) continue;
        const c = stats.byKind[r.kind] ?? { success: 0, failure: 0 };
        if (r.success) c.success += 1;
        else c.failure += 1;
        stats.byKind[r.kind] = c;
      }
      return stats;
    },
    async listDeckies() {
      return data.deckies;
    },
    async listPersonas() {
      return data.personas;
    },
    workers: () => data.workers(),
    metricsText: () => data.metrics(),
  };
}

let seq = 0;

/** A traffic or file event `agoMs` before now. */
export function anEvent(over: Partial<OrchestratorEvent> & { agoMs?: number } = {}): OrchestratorEvent {
  seq += 1;
  const { agoMs = 0, ...rest } = over;
  return {
    uuid: `ev-${seq}`,
    ts: new Date(Date.now() - agoMs),
    kind: 'traffic',
    protocol: 'ssh',
    action: 'exec:tcp_connect:22',
    srcDeckyUuid: 'local:web01',
    dstDeckyUuid: 'local:db01',
    success: true,
    payload: { banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' },
    ...rest,
  };
}

/** A delivered email `agoMs` before now. */
export function anEmail(over: Partial<ThreadMessage> & { agoMs?: number } = {}): ThreadMessage {
  seq += 1;
  const { agoMs = 0, ...rest } = over;
  return {
    uuid: `em-${seq}`,
    ts: new Date(Date.now() - agoMs),
    mailDeckyUuid: 'local:mail01',
    threadId: 'th-1',
    messageId: `<m${seq}@corp.example>`,
    inReplyTo: null,
    senderEmail: 'alice@corp.example',
    recipientEmail: 'bob@corp.example',
    subject: 'Quarterly budget',
    language: 'en',
    emlPath: `/var/spool/decnet-emails/th-1/m${seq}_at_corp.example.eml`,
    success: true,
    payload: { stage: 'delivered', model: 'llama3.1' },
    ...rest,
  };
}
