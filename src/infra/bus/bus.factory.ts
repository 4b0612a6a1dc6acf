import type { Logger } from '../log/logger.port.js';
import type { BusPort } from './bus.port.js';
import type { BusStats } from './bus-stats.js';
import { createMemoryBus } from './impl/memory.js';
import { createNatsBus } from './impl/nats.js';

/** The DECNET_BUS values understood, in the order the error message lists them. */
const BUS_CHOICES = ['memory', 'nats://host:4222', 'tls://host:4222'] as const;

/** A bus as the daemons hold it: the port, its counters, and a close for shutdown. */
interface BusHandle extends BusPort {
  stats(): BusStats;
  close(): Promise<void>;
}

/** What createBus needs. */
interface BusFactoryOptions {
  /** DECNET_BUS: unset or `memory` → in-process; `nats://…` (comma-separated servers) → NATS */
  url?: string;
  logger: Logger;
  /** connection name on the NATS server, e.g. `decnet-orchestrator` */
  name?: string;
}

/** Thrown for a DECNET_BUS value that names no bus; the message lists the accepted values. */
export class BusConfigError extends Error {
  readonly code = 'BUS_CONFIG';
}

/** Builds the bus DECNET_BUS names; the in-process bus stays the default. */
export function createBus(opts: BusFactoryOptions): BusHandle {
  const url = opts.url?.trim() ?? '';
  if (url === '' || url === 'memory') return countedMemoryBus(opts.logger);
  const servers = url.split(',').map((s) => s.trim());
  if (servers.every((s) => /^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/i.test(s))) {
    return createNatsBus({ url: servers.join(','), logger: opts.logger, ...(opts.name ? { name: opts.name } : {}) });
  }
  throw new BusConfigError(`unsupported DECNET_BUS ${JSON.stringify(redact(url))}; expected one of ${BUS_CHOICES.join(', ')}`);
}

function countedMemoryBus(logger: Logger): BusHandle {
  const bus = createMemoryBus({ logger });
  let published = 0;
  return {
    publish(topic, type, payload) {
      published += 1;
      bus.publish(topic, type, payload);
    },
    subscribe: (pattern, handler) => bus.subscribe(pattern, handler),
    stats: () => ({ backend: 'memory', connected: true, published, failed: 0, received: 0, rejected: 0 }),
    close: async () => {},
  };
}

// a NATS URL may carry credentials: never echo them into an error line
function redact(url: string): string {
  return url.replace(/\/\/[^@/\s]*@/g, '//***@');
}
