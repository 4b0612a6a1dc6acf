import type { DockerPort } from '../infra/docker/docker.port.js';
import type { DriverLimits } from './drivers/traffic.driver.js';
import type { LLMBackend } from '../infra/llm/base.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { Persona } from '../domain/persona.js';
import { backfillDecky } from './realism/backfill.js';
import { backfillEmails } from './realism/email-backfill.js';
import type { BackfillLogPort } from '../infra/store/backfill-log.port.js';
import type { EmailStorePort } from '../infra/store/email-store.port.js';
import type { EventStorePort } from '../infra/store/event-store.port.js';
import type { RunningDecky } from '../domain/decky.js';
import type { SyntheticFilesPort } from '../infra/store/synthetic-files.port.js';
import { isMailDecky } from '../machines/email/mail-decky.js';
import { type RunningFeed, createNewDeckyBackfill } from './backfill-new-deckies.js';

/** Default days of past a new decky is given. */
export const DEFAULT_BACKFILL_DAYS = 14;
// a decky whose store rows are this much older than its first sighting had a life before
const PAST_MARGIN_MS = 60 * 60_000;

/** What every automatic backfill shares. */
interface AutoBackfillCommon {
  /** days of past (default 14) */
  days?: number;
  /** reproducible past (default: random per process; each decky's past is still its own) */
  seed?: number;
  log: BackfillLogPort;
  personasFor: (decky: RunningDecky) => Promise<Persona[]>;
  hostZone: string;
  limits?: DriverLimits;
  logger: Logger;
  /** backfills at once (files: 2, emails: 1) */
  concurrency?: number;
  retryMs?: number;
  now?: () => Date;
}

/** The orchestrator's: files and their writes for every new ssh decky. */
interface FilesAutoBackfill extends AutoBackfillCommon {
  files: SyntheticFilesPort;
  events: EventStorePort;
}

/** The emailgen worker's: threads of past email for every new mail decky. */
interface EmailsAutoBackfill extends AutoBackfillCommon {
  emails: Pick<EmailStorePort, 'recordEmails' | 'listEmails'>;
  spoolRoot: string;
  /** emails at most per mail decky (default 30) */
  maxEmails?: number;
}

/** Binds the files backfill to a runtime's engines: pass the result as the orchestrator's `backfill`. */
export function filesAutoBackfill(deps: FilesAutoBackfill): (dockerFor: (decky: RunningDecky) => DockerPort) => RunningFeed {
  const now = deps.now ?? (() => new Date());
  const seed = deps.seed ?? Math.floor(Math.random() * 2 ** 32);
  return (dockerFor) =>
    createNewDeckyBackfill({
      kind: 'files',
      log: deps.log,
      eligible: (d) => d.services?.includes('ssh') === true,
      hasPast: async (d, since) => (await deps.files.filesOf(d.uuid)).some((f) => f.createdAt.getTime() < since.getTime() - PAST_MARGIN_MS),
      run: async (d, req) => {
        const r = await backfillDecky(
          d,
          {
            dockerFor,
            files: deps.files,
            events: deps.events,
            personasFor: deps.personasFor,
            hostZone: deps.hostZone,
            logger: deps.logger,
            ...(deps.limits ? { limits: deps.limits } : {}),
          },
          { days: deps.days ?? DEFAULT_BACKFILL_DAYS, now: now(), seed, existing: req.existing, signal: req.signal },
        );
        // with `avoid`, a skip can only be an engine that is not there (yet)
        return {
          items: r.files,
          failures: r.failed.length,
          ...(r.skipped ? { skipped: r.skipped, retry: true } : {}),
          ...(r.abandoned ? { abandoned: true } : {}),
        };
      },
      logger: deps.logger,
      concurrency: deps.concurrency ?? 2,
      ...(deps.retryMs === undefined ? {} : { retryMs: deps.retryMs }),
      now,
    });
}

/** Binds the email backfill to a runtime's engines and LLM: pass the result as emailgen's `backfill`. */
export function emailsAutoBackfill(
  deps: EmailsAutoBackfill,
): (engines: { dockerFor: (decky: RunningDecky) => DockerPort; llm: LLMBackend }) => RunningFeed {
  const now = deps.now ?? (() => new Date());
  const seed = deps.seed ?? Math.floor(Math.random() * 2 ** 32);
  return ({ dockerFor, llm }) =>
    createNewDeckyBackfill({
      kind: 'emails',
      log: deps.log,
      eligible: isMailDecky,
      hasPast: async (d, since) => {
        const page = await deps.emails.listEmails({ limit: 1, offset: 0, mailDeckyUuid: d.uuid });
        if (page.total === 0) return false;
        const oldest = (await deps.emails.listEmails({ limit: 1, offset: page.total - 1, mailDeckyUuid: d.uuid })).data[0];
        return oldest !== undefined && oldest.payload.backfilled !== true && oldest.ts.getTime() < since.getTime() - PAST_MARGIN_MS;
      },
      run: async (d, req) => {
        const r = await backfillEmails(
          d,
          await deps.personasFor(d),
          {
            dockerFor,
            emails: deps.emails,
            llm,
            spoolRoot: deps.spoolRoot,
            hostZone: deps.hostZone,
            logger: deps.logger,
            ...(deps.limits ? { limits: deps.limits } : {}),
          },
          {
            days: deps.days ?? DEFAULT_BACKFILL_DAYS,
            now: now(),
            seed,
            existing: req.existing,
            signal: req.signal,
            ...(deps.maxEmails === undefined ? {} : { maxEmails: deps.maxEmails }),
          },
        );
        return {
          items: r.delivered,
          failures: r.failed,
          ...(r.skipped ? { skipped: r.skipped, ...(r.retry ? { retry: true } : {}) } : {}),
          // stopped after LLM failures in a row: the rest is written on a later appearance, after a wait
          ...(r.gaveUp ? { skipped: 'the LLM failed repeatedly', retry: true } : {}),
          ...(r.abandoned ? { abandoned: true } : {}),
        };
      },
      logger: deps.logger,
      concurrency: deps.concurrency ?? 1,
      ...(deps.retryMs === undefined ? {} : { retryMs: deps.retryMs }),
      now,
    });
}
