import { fromPromise } from 'xstate';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import type { RunningDecky } from '../domain/decky.js';
import type { ListRunningInput, RunningSnapshot } from '../machines/supervisor/supervisor.types.js';
import { boundedSingleFlight } from './bounded-call.js';

/** What the inventory read binds; `timeoutMs` bounds how long a tick waits on the store (default 2 s). */
interface ListRunningDeps {
  inventory: InventoryPort;
  now?: () => Date;
  timeoutMs?: number;
  /**
   * a tick reuses a read younger than this (default 0: every tick reads). With discovery on, every
   * sync is read anyway, so ticks can rely on the last read for up to a resync period.
   */
  tickMaxAgeMs?: number;
}

/**
 * `listRunning` for the supervisor: the §1.1 union view, stamped with the read time. A read that
 * does not answer within the bound rejects, so the tick goes on with the last known set.
 */
export function createListRunningLogic(deps: ListRunningDeps) {
  const now = deps.now ?? (() => new Date());
  const read = boundedSingleFlight(() => deps.inventory.listRunningDeckies(), deps.timeoutMs ?? 2_000, 'the inventory read');
  const maxAge = deps.tickMaxAgeMs ?? 0;
  let last: { deckies: RunningDecky[]; at: number } | null = null;
  return fromPromise<RunningSnapshot, ListRunningInput>(async ({ input, signal }) => {
    // the union view of 10,000 deckies costs ~100 ms of main-thread row decoding: not per tick
    if (last && input.reason === 'tick' && performance.now() - last.at < maxAge)
      return { deckies: last.deckies, at: now().toISOString(), fresh: false };
    const deckies = await read(signal);
    last = { deckies, at: performance.now() };
    return { deckies, at: now().toISOString() };
  });
}
