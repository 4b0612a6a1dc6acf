import type { BusPort } from '../infra/bus/bus.port.js';
import { controlTopic } from '../infra/bus/topics.js';
import type { Logger } from '../infra/log/logger.port.js';

/**
 * Listens on `system.<worker>.control` (SPEC §5): `{action:"stop"}` calls `stop('control')`;
 * anything else is logged and ignored. Returns the unsubscribe.
 */
export function subscribeControl(bus: BusPort, worker: string, log: Logger, stop: (reason: string) => void): () => void {
  return bus.subscribe(controlTopic(worker), (e) => {
    if (e.payload.action === 'stop') {
      log.info({ id: e.id }, 'stop requested on the control topic');
      stop('control');
    } else log.warn({ action: e.payload.action }, 'unknown control action ignored');
  });
}
