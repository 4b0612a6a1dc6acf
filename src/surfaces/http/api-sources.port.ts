import type { RealismReportJson } from '../../actors/realism/realism-report.js';
import type { EmailListQuery } from '../../infra/store/email-store.port.js';
import type { EmailRecord } from '../../domain/email-record.js';
import type { ListQuery } from '../../infra/store/event-store.port.js';
import type { Page } from '../../domain/page.js';
import type { OrchestratorEvent } from '../../domain/event.js';
import type { RunningDecky } from '../../domain/decky.js';

/** Event kinds the API lists and streams: the two event-store kinds plus email rows. */
export type ApiEventKind = 'traffic' | 'file' | 'email';

/** Every `ApiEventKind`, for validation. */
export const API_EVENT_KINDS: readonly ApiEventKind[] = ['traffic', 'file', 'email'];

/** Counts of recorded actions since a point in time, by kind. */
export interface EventStats {
  byKind: Partial<Record<ApiEventKind, { success: number; failure: number }>>;
}

/** A running decky plus the current state of its decky actor (null when no actor runs it). */
export interface DeckyView extends RunningDecky {
  machineState: string | null;
}

/** A persona in scope, with where it comes from (`topology:<id>` or `pool`). */
export interface PersonaView {
  scope: string;
  name: string;
  email: string;
  role: string;
  tone: string;
  language: string;
  activeHours: string;
  timezone?: string;
}

/** Health of one worker, computed from its heartbeats (SPEC §5). */
export interface WorkerHealth {
  worker: string;
  status: 'ok' | 'stale' | 'unknown';
  lastSeen: Date | null;
  /** the last heartbeat's payload without `worker` and `ts` */
  extra: Record<string, unknown>;
}

/** One message of a thread; `body` when the adapter can read it (the EML lives on the decky). */
export interface ThreadMessage extends EmailRecord {
  body?: string;
}

/** Everything the HTTP API reads; the daemon adapts its store, runtime and registry to this. */
export interface ApiSources {
  /** traffic and file events, newest first */
  listEvents(q: ListQuery): Promise<Page<OrchestratorEvent>>;
  /** email rows, newest first; absent → `kind=email` lists nothing */
  listEmails?(q: EmailListQuery): Promise<Page<EmailRecord>>;
  /** the messages of one thread, oldest first; absent → 404 */
  threadMessages?(threadId: string): Promise<ThreadMessage[]>;
  /** counts since `since`; with `success` only rows with that outcome */
  eventStats(since: Date, success?: boolean): Promise<EventStats>;
  listDeckies(): Promise<DeckyView[]>;
  listPersonas(): Promise<PersonaView[]>;
  workers(): WorkerHealth[];
  /** Prometheus text format 0.0.4 */
  metricsText(): string | Promise<string>;
  /**
   * the realism report (issue 7), as `decnet-orchestrator realism check --json` prints it; absent →
   * 404. Once `signal` aborts, no further docker exec may start.
   */
  realismCheck?(opts: { inspect: boolean; signal: AbortSignal }): Promise<RealismReportJson>;
}
