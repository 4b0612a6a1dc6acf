import { fromPromise } from 'xstate';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import type { ListRunningInput, RunningSnapshot } from '../machines/supervisor/supervisor.types.js';

/** `listRunning` for the supervisor: the §1.1 union view, stamped with the read time. */
export function createListRunningLogic(deps: { inventory: InventoryPort; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return fromPromise<RunningSnapshot, ListRunningInput>(async () => {
    const deckies = await deps.inventory.listRunningDeckies();
    return { deckies, at: now().toISOString() };
  });
}
