import type { AnyActorLogic } from 'xstate';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { InventoryPort } from '../../infra/store/inventory.port.js';
import type { RunningDecky } from '../../domain/decky.js';
import type { SwarmHost, SwarmHostsPort } from '../../infra/store/swarm-hosts.port.js';
import { hostOf } from '../../machines/policy/pick.js';
import type { DiscoveryDeps } from '../discovery.actor.js';
import { dockerForDecky } from './docker-for.js';
import { createHostRegistry } from './host-registry.js';
import { createHostsDiscoveryLogic, type HostTiming } from './hosts-discovery.actor.js';

/** What the orchestrator needs to run deckies on several Docker hosts (issue 6). */
export interface OrchestratorHostsDeps {
  /** the swarm_hosts table */
  swarm: Pick<SwarmHostsPort, 'listHosts' | 'markOnline' | 'markUnreachable'>;
  /** builds a swarm host's engine port (the swarm docker factory; fakes in tests) */
  connect: (host: SwarmHost) => DockerPort;
  /** the local engine's deckies may exchange traffic with deckies of sharing swarm hosts */
  localSharesNetwork?: boolean;
  timing?: HostTiming;
  discovery?: Pick<DiscoveryDeps, 'debounceMs' | 'backoffBaseMs' | 'backoffMaxMs'>;
}

/** The multi-host pieces the runtime provides in place of the single-host ones. */
interface WiredHosts {
  /** the supervisor's `discovery`: local discovery plus one host actor per swarm host */
  discovery: AnyActorLogic;
  /** each decky acts on its own host's engine */
  dockerFor: (decky: RunningDecky) => DockerPort;
  /** the inventory the supervisor reads: the local deckies carry the local sharing setting */
  inventory: InventoryPort;
  /** closes every swarm host's port */
  close(): void;
}

/** Builds the multi-host discovery, engine choice and inventory view around one registry. */
export function wireHosts(deps: {
  local: DockerPort;
  inventory: InventoryPort;
  logger: Logger;
  now?: () => Date;
  hosts: OrchestratorHostsDeps;
}): WiredHosts {
  const registry = createHostRegistry(deps.hosts.connect);
  const discovery = createHostsDiscoveryLogic({
    local: deps.local,
    inventory: deps.inventory,
    swarm: deps.hosts.swarm,
    registry,
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.hosts.discovery ? { discovery: deps.hosts.discovery } : {}),
    ...(deps.hosts.timing ? { timing: deps.hosts.timing } : {}),
  });
  const local = deps.hosts.localSharesNetwork === true;
  return {
    discovery,
    dockerFor: dockerForDecky(deps.local, registry),
    inventory: {
      listRunningDeckies: async () => {
        const running = await deps.inventory.listRunningDeckies();
        return local ? running.map((d) => (hostOf(d) === 'local' ? { ...d, sharesNetwork: true } : d)) : running;
      },
      reconcileHost: (hostUuid, observed, opts) => deps.inventory.reconcileHost(hostUuid, observed, opts),
    },
    close: () => registry.close(),
  };
}
