import type { EmailStorePort } from '../../../../src/infra/store/email-store.port.js';
import type { EmailRecord } from '../../../../src/domain/email-record.js';
import type { EventStorePort } from '../../../../src/infra/store/event-store.port.js';
import type { OrchestratorEvent } from '../../../../src/domain/event.js';

const nope = (what: string) => () => {
  throw new Error(`not implemented: ${what}`);
};

/** An event store that only reads, newest first, and records the pages it was asked for. */
export function readOnlyEventStore(rows: OrchestratorEvent[]): EventStorePort & { pages: { limit: number; offset: number }[] } {
  const pages: { limit: number; offset: number }[] = [];
  return {
    pages,
    recordEvents: nope('recordEvents'),
    pruneEvents: nope('pruneEvents'),
    async listEvents(q) {
      pages.push({ limit: q.limit, offset: q.offset });
      const sorted = rows.filter((r) => !q.kind || r.kind === q.kind).sort((a, b) => b.ts.getTime() - a.ts.getTime());
      return { total: sorted.length, limit: q.limit, offset: q.offset, data: sorted.slice(q.offset, q.offset + q.limit) };
    },
  };
}

/** An email store that lists and walks threads; everything else throws. */
export function readOnlyEmailStore(rows: EmailRecord[]): EmailStorePort {
  return {
    recordEmails: nope('recordEmails'),
    findLatestBetween: nope('findLatestBetween'),
    getByMessageId: nope('getByMessageId'),
    referencesFor: nope('referencesFor'),
    pruneEmails: nope('pruneEmails'),
    async listEmails(q) {
      const sorted = [...rows].sort((a, b) => b.ts.getTime() - a.ts.getTime());
      return { total: sorted.length, limit: q.limit, offset: q.offset, data: sorted.slice(q.offset, q.offset + q.limit) };
    },
    async threadChain(threadId) {
      return rows.filter((r) => r.threadId === threadId && r.success).sort((a, b) => a.ts.getTime() - b.ts.getTime());
    },
  };
}
