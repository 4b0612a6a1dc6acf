import { mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { publishEmail } from '../../actors/email/publish-email.js';
import { chooseBus } from '../../infra/bus/bus.factory.js';
import type { BusPort } from '../../infra/bus/bus.port.js';
import { healthTopic } from '../../infra/bus/topics.js';
import type { Config } from '../../infra/config/config.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { writeFileAtomic } from '../../infra/personas/import-personas.js';
import type { Store } from '../../infra/store/store.port.js';
import { busOptionsOf } from './bus-options.js';

/** What the relays need from the worker that runs them. */
interface WorkerRelayDeps {
  worker: 'orchestrator' | 'emailgen';
  config: Config;
  store: Store;
  bus: BusPort;
  logger: Logger;
  /** how often other workers' heartbeats and new email rows are looked for (default 2 s) */
  pollMs?: number;
}

/** The directory beside the SQLite file where each worker leaves its last heartbeat. */
export function heartbeatDir(config: Pick<Config, 'dbPath'>): string | null {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(config.dbPath) ? null : join(dirname(config.dbPath), 'workers');
}

/**
 * With the in-process bus, the two workers (two processes, one database) cannot hear each other.
 * These relays carry what the operator surfaces need across: each worker leaves its heartbeat in
 * a file beside the database and republishes the other's when it changes (SPEC §5 health), and
 * the orchestrator republishes email rows the emailgen process committed (live dashboard feed).
 * A cross-process bus (NATS or DECNET's socket) makes them unnecessary: then they are not started.
 */
export function startWorkerRelays(d: WorkerRelayDeps): { stop(): void } {
  const dir = heartbeatDir(d.config);
  if (chooseBus(busOptionsOf(d.config)).kind !== 'memory' || !dir) return { stop: () => {} };
  const log = d.logger.child({ component: 'relay' });
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    log.warn({ dir, err: (err as Error).message }, 'heartbeat directory unavailable; workers will not see each other');
    return { stop: () => {} };
  }
  const own = healthTopic(d.worker);
  const seen = new Map<string, string>();
  const unsubscribe = d.bus.subscribe(own, (e) => {
    writeFileAtomic(join(dir, `${d.worker}.json`), `${JSON.stringify(e.payload)}\n`).catch((err: unknown) =>
      log.warn({ err: (err as Error).message }, 'heartbeat file not written'),
    );
  });

  let lastEmailTs = Date.now();
  const emailsSeen = new Set<string>();
  const poll = async (): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const other = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || other === d.worker || !/^[a-z][a-z0-9_-]{0,63}$/.test(other)) continue;
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      if (!text || seen.get(other) === text) continue;
      seen.set(other, text);
      try {
        d.bus.publish(healthTopic(other), 'health', JSON.parse(text) as Record<string, unknown>);
      } catch {
        log.warn({ file: name }, 'unreadable heartbeat file skipped');
      }
    }
    if (d.worker !== 'orchestrator') return;
    const page = await d.store.emails.listEmails({ limit: 50, offset: 0 });
    for (const row of [...page.data].reverse()) {
      if (row.ts.getTime() < lastEmailTs - 5_000 || emailsSeen.has(row.uuid)) continue;
      emailsSeen.add(row.uuid);
      publishEmail(d.bus, row);
    }
    lastEmailTs = Math.max(lastEmailTs, ...page.data.map((r) => r.ts.getTime()));
    // the window above bounds what can repeat; the set only has to outlive it
    if (emailsSeen.size > 1_000) emailsSeen.clear();
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    poll()
      .catch((err: unknown) => log.debug({ err: (err as Error).message }, 'relay poll failed; next poll retries'))
      .finally(() => {
        running = false;
      });
  }, d.pollMs ?? 2_000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
