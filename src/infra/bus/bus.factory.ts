import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log/logger.port.js';
import { BusConfigError } from './bus-config-error.js';
import type { BusPort } from './bus.port.js';
import type { BusStats } from './bus-stats.js';
import { createDecnetUnixBus } from './impl/decnet-unix.js';
import { createMemoryBus } from './impl/memory.js';
import { createNatsBus } from './impl/nats.js';
import { type NatsSecuritySettings, planNats } from './nats-settings.js';

export { BusConfigError } from './bus-config-error.js';

/** The DECNET_BUS values understood, in the order the error message lists them. */
const BUS_CHOICES = ['memory', 'nats://host:4222', 'tls://host:4222'] as const;
/** The DECNET_BUS_TYPE values understood: `unix` is DECNET's bus, `fake` and `memory` the in-process one. */
const BUS_TYPE_CHOICES = ['unix', 'fake', 'memory'] as const;

/** A bus as the daemons hold it: the port, its counters, and a close for shutdown. */
interface BusHandle extends BusPort {
  stats(): BusStats;
  close(): Promise<void>;
}

/** What createBus needs. */
export interface BusFactoryOptions {
  /** DECNET_BUS: unset or `memory` → in-process; `nats://…` (comma-separated servers) → NATS */
  url?: string;
  /** DECNET_BUS_ENABLED: false → in-process whatever else is set; true with no type → DECNET's unix bus */
  enabled?: boolean;
  /** DECNET_BUS_TYPE: one of BUS_TYPE_CHOICES (case-insensitive) */
  type?: string;
  /** DECNET_BUS_SOCKET; unset → DECNET's default (`/run/decnet/bus.sock` or `~/.decnet/bus.sock`) */
  socket?: string;
  /** DECNET_NATS_*: authentication, TLS files and the insecure switch for a NATS bus */
  nats?: NatsSecuritySettings;
  logger: Logger;
  /** connection name on the NATS server, e.g. `decnet-orchestrator` */
  name?: string;
  /** name in the DECNET bus HELLO (default `orchestrator`) */
  clientName?: string;
}

/** Which bus the options select, before anything is opened. */
type BusChoice = { kind: 'memory' } | { kind: 'nats'; url: string } | { kind: 'decnet-unix'; socket?: string };

/**
 * Picks a bus the way DECNET's factory does, with the in-process bus as our default: disabled →
 * in-process; DECNET_BUS_TYPE=unix (or DECNET_BUS_ENABLED=true alone) → DECNET's socket;
 * DECNET_BUS=nats://… → NATS. Both DECNET_BUS and DECNET_BUS_TYPE set is refused as ambiguous, and
 * so is an unsafe NATS setup (`planNats`: two authentications, a remote server without
 * authentication or TLS unless DECNET_NATS_INSECURE=1).
 */
export function chooseBus(opts: Omit<BusFactoryOptions, 'logger'>): BusChoice {
  const type = opts.type?.trim().toLowerCase() || undefined;
  if (type !== undefined && !(BUS_TYPE_CHOICES as readonly string[]).includes(type)) {
    throw new BusConfigError(`unsupported DECNET_BUS_TYPE ${JSON.stringify(opts.type)}; expected one of ${BUS_TYPE_CHOICES.join(', ')}`);
  }
  if (opts.enabled === false) return { kind: 'memory' };
  const url = opts.url?.trim() ?? '';
  const urlNamesBus = url !== '' && url !== 'memory';
  if (type !== undefined && urlNamesBus) {
    throw new BusConfigError(`DECNET_BUS and DECNET_BUS_TYPE both choose a bus (${JSON.stringify(redact(url))}, ${type}); set one of them`);
  }
  const socket = opts.socket?.trim() || undefined;
  if (type === 'unix' || (type === undefined && !urlNamesBus && opts.enabled === true))
    return { kind: 'decnet-unix', ...(socket ? { socket } : {}) };
  if (!urlNamesBus) return { kind: 'memory' };
  const servers = url.split(',').map((s) => s.trim());
  if (servers.every((s) => /^(nats|tls):\/\/[^\s/]+(:\d+)?\/?$/i.test(s))) {
    const natsUrl = servers.join(',');
    planNats(natsUrl, opts.nats);
    return { kind: 'nats', url: natsUrl };
  }
  throw new BusConfigError(`unsupported DECNET_BUS ${JSON.stringify(redact(url))}; expected one of ${BUS_CHOICES.join(', ')}`);
}

/** Builds the bus the options select; the in-process bus stays the default. */
export function createBus(opts: BusFactoryOptions): BusHandle {
  const choice = chooseBus(opts);
  if (choice.kind === 'nats') {
    return createNatsBus({
      url: choice.url,
      logger: opts.logger,
      ...(opts.nats ? { security: opts.nats } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    });
  }
  if (choice.kind === 'decnet-unix') {
    const socketPath = choice.socket ?? defaultDecnetSocket();
    return createDecnetUnixBus({ socketPath, logger: opts.logger, ...(opts.clientName ? { clientName: opts.clientName } : {}) });
  }
  if (opts.socket?.trim())
    opts.logger.warn({ socket: opts.socket }, 'DECNET_BUS_SOCKET is set but DECNET_BUS_TYPE is not unix; using the in-process bus');
  return countedMemoryBus(opts.logger);
}

/** DECNET's socket path: `/run/decnet/bus.sock` when that directory exists and is writable, else `~/.decnet/bus.sock`. */
export function defaultDecnetSocket(usable: (dir: string) => boolean = writableDir, home: string = homedir()): string {
  return usable('/run/decnet') ? '/run/decnet/bus.sock' : join(home, '.decnet', 'bus.sock');
}

function writableDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
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
