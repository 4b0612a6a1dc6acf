import type { AnyActorLogic } from 'xstate';
import { healthTopic } from '../../infra/bus/topics.js';
import type { LogParams } from '../../machines/worker/worker.types.js';
import { createDiscoveryLogic } from '../discovery.actor.js';
import { createStaticDiscoveryLogic } from '../static-discovery.actor.js';
import type { WorkerDeps } from './worker-deps.js';

/**
 * What both worker runtimes derive from their deps alike: the clock, the worker's logger, the
 * exec bounds, the discovery logic, and the `log` and heartbeat actions their machines name.
 */
export function workerBasics(worker: string, deps: WorkerDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: worker });
  const s = deps.settings;
  return {
    now,
    log,
    limits: {
      ...(s.execTimeoutMs === undefined ? {} : { timeoutMs: s.execTimeoutMs }),
      ...(s.execMaxOutputBytes === undefined ? {} : { maxOutputBytes: s.execMaxOutputBytes }),
    },
    /** static when discovery is off; else `hosted` (several engines) or the local engine's */
    discovery(hosted?: AnyActorLogic): AnyActorLogic {
      if (deps.discover === false) return createStaticDiscoveryLogic();
      return hosted ?? createDiscoveryLogic({ docker: deps.docker, inventory: deps.inventory, logger: deps.logger, remote: false });
    },
    /** the machine's `log` action */
    logTo: (_: unknown, p: LogParams) => log[p.level](p.fields ?? {}, p.msg),
    /** one `worker.health` on `system.<worker>.health` (SPEC §5), stamped with worker and time */
    publishHealth: (fields: Record<string, unknown>) => deps.bus.publish(healthTopic(worker), 'worker.health', { worker, ts: now().toISOString(), ...fields }),
  };
}
