import { type CallbackActorLogic, fromCallback } from 'xstate';
import type { DockerPort } from '../infra/docker/docker.port.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import { observeDeckies } from '../machines/discovery/observe.js';
import { errText } from '../domain/err-text.js';

/** Per-instance input of the discovery actor (plain data; services come from the factory). */
export interface DiscoveryInput {
  /** periodic full resync; 0 disables it (events and the initial sync still apply) */
  resyncMs: number;
}

/** Commands the discovery actor accepts from its parent. */
export type DiscoveryCommand = { type: 'DISCOVERY.SYNC' };

/** Reports the discovery actor sends to its parent. */
export type DiscoveryReport =
  /**
   * the inventory now matches the engine; `running` deckies of `deckies` observed; `recovered`
   * when the engine had failed (a list or the event stream) since the previous sync
   */
  | { type: 'DISCOVERY.SYNCED'; hostUuid: string; running: number; deckies: number; recovered?: true }
  /** the engine's event stream failed; discovery resubscribes with backoff, resync continues */
  | { type: 'DISCOVERY.DEGRADED'; hostUuid: string; reason: string };

/** What one discovery actor binds: one Docker host and the inventory. */
export interface DiscoveryDeps {
  docker: DockerPort;
  inventory: InventoryPort;
  logger: Logger;
  /** true for swarm hosts: their deckies are shards (SPEC §1.1) */
  remote: boolean;
  /** inventory host uuid; defaults to `docker.hostId` */
  hostUuid?: string;
  /** container events within this window trigger one sync (default 200 ms) */
  debounceMs?: number;
  /** one more sync this long after the last container event (default 1 s): the engine's list can trail its events */
  settleMs?: number;
  /** first resubscribe delay after the event stream fails (default 500 ms), doubled per failure */
  backoffBaseMs?: number;
  /** resubscribe delay cap (default 5 s: a returning engine is noticed within seconds); a stream that lived this long resets the backoff */
  backoffMaxMs?: number;
}

/**
 * Discovery (SPEC §1.3) for one Docker host as callback logic: syncs the inventory at start, on
 * container events (debounced) and every `resyncMs`; reports SYNCED/DEGRADED to its parent. It
 * never throws: sync failures are logged and retried at the next trigger.
 */
export function createDiscoveryLogic(deps: DiscoveryDeps): CallbackActorLogic<DiscoveryCommand, DiscoveryInput> {
  const hostUuid = deps.hostUuid ?? deps.docker.hostId;
  const debounceMs = deps.debounceMs ?? 200;
  const settleMs = deps.settleMs ?? 1_000;
  const backoffBaseMs = deps.backoffBaseMs ?? 500;
  const backoffMaxMs = deps.backoffMaxMs ?? 5_000;
  const log = deps.logger.child({ actor: 'discovery', host: hostUuid });

  return fromCallback<DiscoveryCommand, DiscoveryInput>(({ input, sendBack, receive }) => {
    let stopped = false;
    let syncing = false;
    let again = false;
    let lastRunning: number | undefined;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let settle: ReturnType<typeof setTimeout> | undefined;
    let unwatch: (() => void) | undefined;
    let failures = 0;
    let subscribedAt = 0;
    // the engine failed since the last good sync: the next good one reports `recovered`
    let troubled = false;

    const report = (r: DiscoveryReport): void => {
      if (!stopped) sendBack(r);
    };

    // one sync at a time; triggers during a sync fold into one more pass after it
    const sync = async (): Promise<void> => {
      if (stopped) return;
      if (syncing) {
        again = true;
        return;
      }
      syncing = true;
      try {
        do {
          again = false;
          const observed = observeDeckies(await deps.docker.listDeckyContainers(), hostUuid);
          if (stopped) return;
          await deps.inventory.reconcileHost(hostUuid, observed, { remote: deps.remote });
          const running = observed.filter((d) => d.running).length;
          if (running !== lastRunning) log.info({ running, deckies: observed.length }, 'discovery: running set changed');
          lastRunning = running;
          if (troubled) log.info({ running }, 'discovery: Docker engine answers again');
          report({
            type: 'DISCOVERY.SYNCED',
            hostUuid,
            running,
            deckies: observed.length,
            ...(troubled ? { recovered: true as const } : {}),
          });
          troubled = false;
        } while (again && !stopped);
      } catch (err) {
        troubled = true;
        log.warn({ err: describe(err) }, 'discovery sync failed; retrying at the next trigger');
      } finally {
        syncing = false;
      }
    };

    // bursts (a decky is several containers) collapse into one sync per window, without starving
    const schedule = (): void => {
      if (stopped || pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void sync();
      }, debounceMs);
    };

    // a loaded engine can log `die` before its container list says so (seen in CI: a killed decky
    // listed running by the event's sync, then nothing until the resync); one pass a little
    // after the last event of a burst settles it
    const onEvent = (): void => {
      schedule();
      if (stopped) return;
      clearTimeout(settle);
      settle = setTimeout(() => {
        settle = undefined;
        void sync();
      }, settleMs);
    };

    const onStreamError = (err: Error): void => {
      unwatch = undefined;
      if (stopped) return;
      troubled = true;
      if (Date.now() - subscribedAt >= backoffMaxMs) failures = 0;
      const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** failures);
      failures++;
      log.warn({ err: err.message, delay }, 'docker event stream failed; resubscribing');
      report({ type: 'DISCOVERY.DEGRADED', hostUuid, reason: err.message });
      retry = setTimeout(() => {
        retry = undefined;
        watch();
        // events may have been missed while the stream was down
        schedule();
      }, delay);
    };

    const watch = (): void => {
      if (stopped) return;
      subscribedAt = Date.now();
      try {
        unwatch = deps.docker.watchEvents(onEvent, onStreamError);
      } catch (err) {
        onStreamError(err instanceof Error ? err : new Error(String(err)));
      }
    };

    receive((e) => {
      if (e.type === 'DISCOVERY.SYNC') schedule();
    });

    // subscribe before the first list, so nothing that happens in between is missed
    watch();
    void sync();
    const resync = input.resyncMs > 0 ? setInterval(() => void sync(), input.resyncMs) : undefined;

    return () => {
      stopped = true;
      clearTimeout(pending);
      clearTimeout(retry);
      clearTimeout(settle);
      clearInterval(resync);
      unwatch?.();
    };
  });
}

// one line, not a stack: an engine that is away fails every sync the same way
function describe(err: unknown): string {
  const message = errText(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}
