import type { ObservedDecky } from '../domain/decky.js';
import type { Logger } from '../infra/log/logger.port.js';
import type { InventoryPort } from '../infra/store/inventory.port.js';
import { liveOnEngine } from '../machines/discovery/live-on-engine.js';

/**
 * The inventory a worker sees on DECNET's database (issue 11): DECNET's rows are the inventory and
 * its reconciler keeps them, so discovery's syncs are kept here in memory (nothing is written)
 * and every read is the union view intersected with what the engines run (`liveOnEngine`). A row
 * whose decky is missing or stopped, or a decky no row lists, is never acted on; each is logged
 * once per reason, and again only after it changed.
 */
export function createEngineLiveness(inventory: Pick<InventoryPort, 'listRunningDeckies'>, logger: Logger): InventoryPort {
  const log = logger.child({ component: 'liveness' });
  const observed = new Map<string, readonly ObservedDecky[]>();
  // what was last said about each decky, so a read every tick logs only changes
  const said = new Map<string, string>();
  const sayOnce = (key: string, what: string, say: () => void): void => {
    if (said.get(key) === what) return;
    said.set(key, what);
    say();
  };
  return {
    async reconcileHost(hostUuid, seen) {
      observed.set(hostUuid, seen);
    },
    async listRunningDeckies() {
      const view = liveOnEngine(await inventory.listRunningDeckies(), observed);
      const heard = new Set<string>();
      for (const { decky, reason, stopped } of view.notLive) {
        heard.add(decky.uuid);
        sayOnce(decky.uuid, reason, () =>
          log.info(
            { decky: decky.name, uuid: decky.uuid, reason, ...(stopped ? { stopped } : {}) },
            `decky listed in DECNET's tables but not live on its engine (${reason}); not acted on`,
          ),
        );
      }
      for (const { decky, stopped } of view.narrowed) {
        heard.add(decky.uuid);
        sayOnce(decky.uuid, `narrowed:${stopped.join(',')}`, () =>
          log.info(
            { decky: decky.name, uuid: decky.uuid, stopped },
            'decky runs but some listed services are stopped; only its running services are acted on',
          ),
        );
      }
      for (const o of view.unlisted) {
        const key = `unlisted\u0000${o.hostUuid}\u0000${o.name}\u0000${o.topologyId ?? ''}`;
        heard.add(key);
        sayOnce(key, 'unlisted', () =>
          log.info(
            { decky: o.name, host: o.hostUuid, ...(o.topologyId ? { topologyId: o.topologyId } : {}) },
            "decky runs on the engine but no running row of DECNET's tables lists it; not acted on (DECNET's reconciler owns the rows)",
          ),
        );
      }
      for (const d of view.live) {
        if (!heard.has(d.uuid) && said.has(d.uuid)) log.info({ decky: d.name, uuid: d.uuid }, 'decky live on its engine again');
      }
      // whatever is fine again may be reported again when it changes back
      for (const key of [...said.keys()]) if (!heard.has(key)) said.delete(key);
      return view.live;
    },
  };
}
