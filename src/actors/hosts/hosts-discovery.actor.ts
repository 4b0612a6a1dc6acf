import { type AnyActorLogic, fromCallback, fromPromise } from 'xstate';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import type { SwarmHostsPort } from '../../infra/store/swarm-hosts.port.js';
import { hostMachine } from '../../machines/hosts/host.machine.js';
import { type HostLogParams, hostRetryDelay, type ProbeResult } from '../../machines/hosts/host.types.js';
import { hostsMachine } from '../../machines/hosts/hosts.machine.js';
import { createDiscoveryLogic, type DiscoveryDeps } from '../discovery.actor.js';
import type { HostRegistry } from './host-registry.js';
import { perInput } from './per-input.js';
import { errText } from '../../domain/err-text.js';

/** Timing of the host actors; defaults suit a real network, tests shrink them. */
export interface HostTiming {
  /** how often swarm_hosts is re-read for added or removed hosts (default: the resync interval) */
  listEveryMs?: number;
  /** liveness probe period while a host answers (default 15 s) */
  livenessMs?: number;
  /** first retry after a host stopped answering (default 1 s), doubled per failure */
  retryBaseMs?: number;
  /** retry cap (default 60 s) */
  retryMaxMs?: number;
  /** restart delay of the local discovery after it failed (default 5 s) */
  localBackoffMs?: number;
}

/** What the hosts actor binds: the local engine, the store and the swarm hosts' engines. */
interface HostsDiscoveryDeps {
  local: DockerPort;
  inventory: InventoryPort;
  swarm: Pick<SwarmHostsPort, 'listHosts' | 'markOnline' | 'markUnreachable'>;
  registry: HostRegistry;
  logger: Logger;
  now?: () => Date;
  /** discovery tuning shared by every engine */
  discovery?: Pick<DiscoveryDeps, 'debounceMs' | 'backoffBaseMs' | 'backoffMaxMs'>;
  timing?: HostTiming;
}

/**
 * The supervisor's `discovery` across hosts (issue 6): `hostsMachine` provided with the local
 * discovery, the swarm host list, and per host a probe (ping), its own discovery on its own
 * engine (shards `<host_uuid>:<name>`), and the store calls for online/unreachable.
 */
export function createHostsDiscoveryLogic(deps: HostsDiscoveryDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'hosts' });
  const t = deps.timing ?? {};
  const logAction = (_: unknown, p: HostLogParams) => log[p.level](p.fields ?? {}, p.msg);

  const probe = fromPromise<ProbeResult, { hostUuid: string }>(async ({ input }) => {
    let port: DockerPort | undefined;
    try {
      port = deps.registry.port(input.hostUuid);
    } catch (err) {
      return { ok: false, reason: errText(err) };
    }
    if (!port) return { ok: false, reason: 'host no longer registered' };
    if (port.diagnose) return port.diagnose();
    return (await port.ping()) ? { ok: true } : { ok: false, reason: 'Docker engine did not answer' };
  });

  const hostDiscovery = perInput<{ resyncMs: number; hostUuid: string }>(({ hostUuid }): AnyActorLogic => {
    const port = safePort(deps.registry, hostUuid);
    if (!port) {
      // the probe just answered for this host; if its port is gone now, say so and let it re-check
      return fromCallback(({ sendBack }) => sendBack({ type: 'DISCOVERY.DEGRADED', hostUuid, reason: 'no Docker engine for this host' }));
    }
    return createDiscoveryLogic({
      docker: port,
      inventory: deps.inventory,
      logger: deps.logger,
      remote: true,
      hostUuid,
      ...deps.discovery,
    });
  });

  const host = hostMachine.provide({
    actors: {
      probe,
      discovery: hostDiscovery,
      markOnline: fromPromise<void, { hostUuid: string }>(({ input }) => deps.swarm.markOnline(input.hostUuid, now())),
      markUnreachable: fromPromise<number, { hostUuid: string; reason: string }>(({ input }) =>
        deps.swarm.markUnreachable(input.hostUuid, input.reason, now()),
      ),
    },
    actions: { log: logAction },
    delays: {
      retryBackoff: ({ context }) => hostRetryDelay(context.failures, t.retryBaseMs, t.retryMaxMs),
      ...(t.livenessMs === undefined ? {} : { livenessInterval: t.livenessMs }),
    },
  });

  const localDiscovery: AnyActorLogic = createDiscoveryLogic({
    docker: deps.local,
    inventory: deps.inventory,
    logger: deps.logger,
    remote: false,
    ...deps.discovery,
  });
  return hostsMachine.provide({
    actors: {
      localDiscovery,
      listHosts: fromPromise(async () => {
        const rows = await deps.swarm.listHosts();
        deps.registry.update(rows);
        return rows.map((h) => ({ uuid: h.uuid, name: h.name }));
      }),
      host,
    },
    actions: { log: logAction },
    delays: {
      ...(t.listEveryMs === undefined ? {} : { hostListInterval: t.listEveryMs }),
      ...(t.localBackoffMs === undefined ? {} : { discoveryBackoff: t.localBackoffMs }),
    },
  });
}

function safePort(registry: HostRegistry, hostUuid: string): DockerPort | undefined {
  try {
    return registry.port(hostUuid);
  } catch {
    return undefined;
  }
}
