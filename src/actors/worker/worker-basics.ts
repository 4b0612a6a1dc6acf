import type { AnyActorLogic } from 'xstate';
import { healthTopic } from '../../infra/bus/topics.js';
import type { LogParams } from '../../machines/worker/worker.types.js';
import { createDiscoveryLogic } from '../discovery.actor.js';
import { createEngineLiveness } from '../engine-liveness.js';
import { createStaticDiscoveryLogic } from '../static-discovery.actor.js';
import type { WorkerDeps } from './worker-deps.js';

/**
 * What both worker runtimes derive from their deps alike: the clock, the worker's logger, the
 * inventory to read and discover into, the exec bounds, the discovery logic, and the `log` and
 * heartbeat actions their machines name.
 */
export function workerBasics(worker: string, deps: WorkerDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: worker });
  const s = deps.settings;
  // on DECNET's database discovery is the liveness check, kept in memory; without discovery the
  // rows are taken as they are (whoever turned it off keeps them true)
  const inventory = deps.owner === 'decnet' && deps.discover !== false ? createEngineLiveness(deps.inventory, deps.logger) : deps.inventory;
  return {
    now,
    log,
    /** what discovery syncs into and the machines read (see `createEngineLiveness`) */
    inventory,
    limits: {
      ...(s.execTimeoutMs === undefined ? {} : { timeoutMs: s.execTimeoutMs }),
      ...(s.execMaxOutputBytes === undefined ? {} : { maxOutputBytes: s.execMaxOutputBytes }),
    },
    /** static when discovery is off; else `hosted` (several engines) or the local engine's */
    discovery(hosted?: AnyActorLogic): AnyActorLogic {
      if (deps.discover === false) return createStaticDiscoveryLogic();
      return hosted ?? createDiscoveryLogic({ docker: deps.docker, inventory, logger: deps.logger, remote: false });
    },
    /** the machine's `log` action */
    logTo: (_: unknown, p: LogParams) => log[p.level](p.fields ?? {}, p.msg),
    /** one `worker.health` on `system.<worker>.health` (SPEC §5), stamped with worker and time */
    publishHealth: (fields: Record<string, unknown>) =>
      deps.bus.publish(healthTopic(worker), 'worker.health', { worker, ts: now().toISOString(), ...fields }),
  };
}
