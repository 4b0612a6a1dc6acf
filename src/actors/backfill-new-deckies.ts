import type { Logger } from '../infra/log/logger.port.js';
import type { BackfillKind, BackfillLogPort, BackfillStatus } from '../infra/store/backfill-log.port.js';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import type { RunningDecky } from '../domain/decky.js';
import { errText } from '../domain/err-text.js';

/** What one backfill run reports; `skipped` with `retry` is a failure to try again later. */
export interface BackfillRunOutcome {
  items: number;
  failures: number;
  skipped?: string;
  /** the skip is temporary (no engine for the host yet, the LLM breaker is open) */
  retry?: boolean;
  abandoned?: boolean;
}

/** How a run is asked to behave. */
export interface BackfillRunRequest {
  signal: AbortSignal;
  /** always `avoid`: files or emails the store already holds are someone's, never redone */
  existing: 'avoid';
}

/** What the scheduler binds: the log of finished backfills, the check for an older past, the run. */
interface NewDeckyBackfillDeps {
  kind: BackfillKind;
  log: Pick<BackfillLogPort, 'recordBackfill' | 'getBackfill' | 'finishedDeckies'>;
  /** deckies this kind applies to (ssh for files, mail deckies for emails) */
  eligible: (decky: RunningDecky) => boolean;
  /** true when the store holds something of this kind written before `since` by no backfill: the decky had a life already */
  hasPast: (decky: RunningDecky, since: Date) => Promise<boolean>;
  run: (decky: RunningDecky, req: BackfillRunRequest) => Promise<BackfillRunOutcome>;
  logger: Logger;
  /** backfills at once (default 1) */
  concurrency?: number;
  /** first wait before a failed decky is tried again, doubled per failure (default 5 min) */
  retryMs?: number;
  retryMaxMs?: number;
  now?: () => Date;
}

/** What an inventory read is fed to: the running set, each time it is read. */
export interface RunningFeed {
  /** every running decky, as just read; new ones are queued, nothing waits here */
  offer(deckies: readonly RunningDecky[]): void;
  /** stops at once: nothing new starts, runs in flight stop between two writes (signal or control stop) */
  abandon(): void;
  /** nothing new starts; runs in flight may finish within `timeoutMs`, then are abandoned (end of --ticks) */
  settle(timeoutMs?: number): Promise<void>;
  /** resolves when nothing is queued or running (tests) */
  idle(): Promise<void>;
  /** the run of this decky in flight, if any: resolves when it ends (live writes wait for it) */
  runningFor(deckyUuid: string): Promise<void> | undefined;
}

const FINAL: readonly BackfillStatus[] = ['done', 'skipped'];

/**
 * Backfills each decky the first time it is seen running, ever: in the background, a bounded
 * number at once, never twice at once for one decky. "First" is decided from the store (its
 * `decky_backfills` row), so restarts do not backfill again; a decky that already holds history
 * nobody backfilled is skipped. Failures are logged and retried on a later appearance, after a
 * growing wait.
 */
export function createNewDeckyBackfill(deps: NewDeckyBackfillDeps): RunningFeed {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'backfill', kind: deps.kind });
  const limit = Math.max(1, deps.concurrency ?? 1);
  const retryMs = deps.retryMs ?? 5 * 60_000;
  const retryMaxMs = deps.retryMaxMs ?? 60 * 60_000;
  const abort = new AbortController();
  const firstSeen = new Map<string, Date>();
  const queue = new Map<string, RunningDecky>();
  const running = new Map<string, Promise<void>>();
  const failures = new Map<string, { n: number; nextAt: number }>();
  let finished: Set<string> | null = null;
  let loading: Promise<void> | null = null;
  let closed = false;
  let waiters: Array<() => void> = [];

  const load = () => {
    loading ??= deps.log.finishedDeckies(deps.kind).then(
      (set) => {
        finished = set;
      },
      (err: unknown) => {
        // read again on the next offer; until then nothing is started
        loading = null;
        log.warn({ err: errText(err) }, 'backfill log not readable; retrying on the next read');
      },
    );
    return loading;
  };

  const wake = () => {
    if (queue.size === 0 && running.size === 0) {
      for (const w of waiters) w();
      waiters = [];
    }
  };

  const pump = () => {
    while (!closed && running.size < limit && queue.size > 0) {
      const [uuid, decky] = queue.entries().next().value as [string, RunningDecky];
      queue.delete(uuid);
      const job = runOne(decky).finally(() => {
        running.delete(uuid);
        pump();
        wake();
      });
      running.set(uuid, job);
    }
    wake();
  };

  const runOne = async (decky: RunningDecky): Promise<void> => {
    const since = firstSeen.get(decky.uuid) ?? now();
    try {
      const prev = await deps.log.getBackfill(decky.uuid, deps.kind);
      if (prev && FINAL.includes(prev.status)) {
        finished?.add(decky.uuid);
        return;
      }
      if (!prev && (await deps.hasPast(decky, since))) {
        await record(decky, 'skipped', { items: 0, failures: 0, skipped: 'had a past before it was first seen' });
        return;
      }
      log.info({ decky: decky.uuid, name: decky.name, attempt: (prev?.attempts ?? 0) + 1 }, 'backfill started');
      const out = await deps.run(decky, { signal: abort.signal, existing: 'avoid' });
      const status: BackfillStatus = out.abandoned
        ? 'abandoned'
        : out.skipped
          ? out.retry
            ? 'failed'
            : 'skipped'
          : out.items === 0 && out.failures > 0
            ? 'failed'
            : 'done';
      await record(decky, status, out);
    } catch (err) {
      log.error({ decky: decky.uuid, err: errText(err) }, 'backfill failed');
      await record(decky, 'failed', { items: 0, failures: 0, skipped: errText(err) }).catch(() => undefined);
    }
  };

  const record = async (decky: RunningDecky, status: BackfillStatus, out: BackfillRunOutcome) => {
    const at = now();
    if (FINAL.includes(status)) {
      finished?.add(decky.uuid);
      failures.delete(decky.uuid);
    } else if (status === 'failed') {
      const n = (failures.get(decky.uuid)?.n ?? 0) + 1;
      failures.set(decky.uuid, { n, nextAt: at.getTime() + Math.min(retryMs * 2 ** (n - 1), retryMaxMs) });
    }
    const level = status === 'failed' ? 'warn' : 'info';
    log[level](
      { decky: decky.uuid, name: decky.name, status, items: out.items, failures: out.failures, detail: out.skipped ?? null },
      'backfill finished',
    );
    try {
      await deps.log.recordBackfill({
        deckyUuid: decky.uuid,
        kind: deps.kind,
        status,
        at,
        items: out.items,
        failures: out.failures,
        detail: out.skipped ?? null,
      });
    } catch (err) {
      // a lost row means the decky is tried again later: never a second past, the run avoids what the store holds
      log.warn({ decky: decky.uuid, err: errText(err) }, 'backfill outcome not recorded');
    }
  };

  const enqueue = (deckies: readonly RunningDecky[]) => {
    const t = now().getTime();
    for (const d of deckies) {
      if (closed || !finished || finished.has(d.uuid) || running.has(d.uuid) || queue.has(d.uuid)) continue;
      const failed = failures.get(d.uuid);
      if (failed && failed.nextAt > t) continue;
      queue.set(d.uuid, d);
    }
    pump();
  };

  return {
    runningFor: (deckyUuid) => running.get(deckyUuid),
    offer(deckies) {
      if (closed) return;
      const seenAt = now();
      const candidates = deckies.filter((d) => {
        if (!deps.eligible(d)) return false;
        if (!firstSeen.has(d.uuid)) firstSeen.set(d.uuid, seenAt);
        return true;
      });
      if (finished) enqueue(candidates);
      else void load().then(() => enqueue(candidates));
    },
    abandon() {
      closed = true;
      queue.clear();
      abort.abort();
      wake();
    },
    async settle(timeoutMs = 60_000) {
      closed = true;
      queue.clear();
      wake();
      const all = Promise.all(running.values());
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      });
      await Promise.race([all, late]);
      clearTimeout(timer);
      if (running.size > 0) abort.abort();
      await all;
    },
    idle() {
      if (queue.size === 0 && running.size === 0 && (finished !== null || loading === null)) return Promise.resolve();
      return new Promise((r) => waiters.push(r));
    },
  };
}

/**
 * The inventory with every `listRunningDeckies` answer also handed to `feed`; the same object
 * when there is no feed. Other methods pass through untouched.
 */
export function feedRunning<T extends Pick<InventoryPort, 'listRunningDeckies'>>(inventory: T, feed: RunningFeed | undefined): T {
  if (!feed) return inventory;
  return new Proxy(inventory, {
    get(target, key) {
      if (key === 'listRunningDeckies') {
        return async () => {
          const deckies = await target.listRunningDeckies();
          feed.offer(deckies);
          return deckies;
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
