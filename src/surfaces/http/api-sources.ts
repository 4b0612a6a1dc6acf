import type { EmailStorePort } from '../../infra/store/email-store.port.js';
import type { EmailRecord } from '../../domain/email-record.js';
import type { EventStorePort } from '../../infra/store/event-store.port.js';
import type { Page } from '../../domain/page.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { ApiEventKind, ApiSources, EventStats, PersonaView, ThreadMessage } from './api-sources.port.js';
import type { WorkerHealthTracker } from './worker-health.js';

/** What the daemon already has; `createApiSources` adapts it to `ApiSources`. */
interface ApiSourcesDeps {
  events: EventStorePort;
  emails?: EmailStorePort;
  inventory: Pick<InventoryPort, 'listRunningDeckies'>;
  /** machine state per decky uuid, e.g. from the supervisor's children snapshots */
  deckyStates?: () => ReadonlyMap<string, string>;
  personas?: () => Promise<PersonaView[]>;
  workers: WorkerHealthTracker;
  metrics: MetricsRegistry;
  /** a store-side count; without it recent rows are scanned (bounded by `statsScanLimit`) */
  eventStats?: ApiSources['eventStats'];
  /** rows scanned per table by the fallback stats, default 50,000 */
  statsScanLimit?: number;
  /** the message text, when the adapter can read the EML back from the mail decky */
  readBody?: (email: EmailRecord) => Promise<string | undefined>;
  /** builds a realism report (GET and POST /api/v1/realism/check); absent → that route is 404 */
  realismCheck?: ApiSources['realismCheck'];
}

/** Builds the HTTP API's sources from the store ports, the runtime and the metrics registry. */
export function createApiSources(d: ApiSourcesDeps): ApiSources {
  const scanLimit = d.statsScanLimit ?? 50_000;
  const emails = d.emails;
  return {
    listEvents: (q) => d.events.listEvents(q),
    ...(emails ? { listEmails: (q) => emails.listEmails(q) } : {}),
    ...(emails
      ? {
          async threadMessages(threadId: string): Promise<ThreadMessage[]> {
            const rows = await emails.threadChain(threadId);
            if (!d.readBody) return rows;
            const read = d.readBody;
            return Promise.all(rows.map(async (r) => ({ ...r, body: await read(r).catch(() => undefined) })));
          },
        }
      : {}),
    eventStats:
      d.eventStats ??
      (async (since, success) => {
        const stats: EventStats = { byKind: {} };
        const count = (kind: ApiEventKind, ok: boolean): void => {
          if (success !== undefined && ok !== success) return;
          const c = stats.byKind[kind] ?? { success: 0, failure: 0 };
          if (ok) c.success += 1;
          else c.failure += 1;
          stats.byKind[kind] = c;
        };
        await scanSince(
          (p) => d.events.listEvents(p),
          since,
          scanLimit,
          (e) => count(e.kind, e.success),
        );
        if (emails)
          await scanSince(
            (p) => emails.listEmails(p),
            since,
            scanLimit,
            (e) => count('email', e.success),
          );
        return stats;
      }),
    async listDeckies() {
      const states = d.deckyStates?.() ?? new Map<string, string>();
      const rows = await d.inventory.listRunningDeckies();
      return rows.map((r) => ({ ...r, machineState: states.get(r.uuid) ?? null }));
    },
    listPersonas: () => d.personas?.() ?? Promise.resolve([]),
    workers: () => d.workers.list(),
    metricsText: () => d.metrics.render(),
    ...(d.realismCheck ? { realismCheck: d.realismCheck } : {}),
  };
}

// rows come newest first: stop at the first one older than `since`.
async function scanSince<T extends { ts: Date }>(
  list: (p: { limit: number; offset: number }) => Promise<Page<T>>,
  since: Date,
  limit: number,
  visit: (row: T) => void,
): Promise<void> {
  for (let offset = 0; offset < limit; offset += 1000) {
    const page = await list({ limit: Math.min(1000, limit - offset), offset });
    for (const row of page.data) {
      if (row.ts < since) return;
      visit(row);
    }
    if (page.data.length < Math.min(1000, limit - offset)) return;
  }
}
