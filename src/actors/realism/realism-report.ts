import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { Persona } from '../../domain/persona.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { Store } from '../../infra/store/store.port.js';
import { type RealismReport, runChecks } from '../../checks/index.js';
import { inspectDeckies } from './inspect-deckies.js';
import { loadCorpus } from './load-corpus.js';
import { personaResolver, personasInScope } from './personas-in-scope.js';

/** The report as `decnet-orchestrator realism check --json` prints it and `/api/v1/realism/check` returns it. */
export interface RealismReportJson extends RealismReport {
  /** what inspection could not read (one line each) */
  notes: string[];
}

/** What one realism check reads: the open store, the personas, and (to inspect) the local engine. */
interface RealismReportDeps {
  store: Pick<Store, 'events' | 'emails' | 'files' | 'inventory'>;
  /** the host-wide persona pool (SPEC §6.2) */
  pool: { load(): Promise<Persona[]> };
  logger: Logger;
  spoolRoot: string;
  /** zone of personas that set none */
  hostZone: string;
  /** bound on each docker exec of the inspection */
  execTimeoutMs: number;
  /** once aborted no further exec starts, the running ones are abandoned, and the report rejects */
  signal?: AbortSignal;
}

/**
 * Loads what the daemon recorded (and, with `docker`, what the deckies really hold: stat mtimes,
 * spool messages) and runs every check. Shard deckies on another engine are noted, not read.
 */
export async function buildRealismReport(d: RealismReportDeps, docker?: DockerPort): Promise<RealismReportJson> {
  const running = await d.store.inventory.listRunningDeckies();
  const resolve = personaResolver({ pool: d.pool, topologies: d.store.inventory, logger: d.logger });
  const personas = await personasInScope(running, resolve, d.pool);
  let corpus = await loadCorpus(d.store, personas, { spoolRoot: d.spoolRoot, hostZone: d.hostZone });
  let notes: string[] = [];
  if (docker) {
    const local = (decky: RunningDecky) => {
      if (decky.source === 'shard' && decky.hostUuid !== docker.hostId) throw new Error(`no engine for host ${decky.hostUuid ?? '?'}`);
      return docker;
    };
    d.signal?.throwIfAborted();
    ({ corpus, notes } = await inspectDeckies(corpus, running, {
      dockerFor: local,
      limits: { timeoutMs: d.execTimeoutMs },
      ...(d.signal ? { signal: d.signal } : {}),
    }));
  }
  // nobody waits for an aborted report: judging a half-read corpus would only cost CPU
  d.signal?.throwIfAborted();
  return { ...runChecks(corpus), notes };
}
