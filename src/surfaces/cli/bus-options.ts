import type { BusFactoryOptions } from '../../infra/bus/bus.factory.js';
import type { Config } from '../../infra/config/config.js';

/** The bus settings of a config, as createBus and chooseBus take them. */
export function busOptionsOf(config: Config): Omit<BusFactoryOptions, 'logger'> {
  return { url: config.busUrl, enabled: config.busEnabled, type: config.busType, socket: config.busSocket, nats: config.nats };
}
