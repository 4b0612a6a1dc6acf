import type { ObservedDecky, RunningDecky } from '../../domain/decky.js';

/** Decky inventory: the three source tables and the union view over them. */
export interface InventoryPort {
  listRunningDeckies(): Promise<RunningDecky[]>;
  /**
   * Makes the inventory of one Docker host match what it runs: upserts every observed decky,
   * and marks deckies of that host not in `observed` as torn_down. `remote` → shard table.
   */
  reconcileHost(hostUuid: string, observed: ObservedDecky[], opts: { remote: boolean }): Promise<void>;
}
