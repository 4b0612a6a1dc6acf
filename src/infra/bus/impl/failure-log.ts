import type { Logger } from '../../log/logger.port.js';

/**
 * Counts lost publishes in `counters.failed` and warns at most once per `everyMs`, saying how
 * many were lost since the last warning: an outage must not write one line per event.
 */
export function createFailureLog(
  log: Logger,
  everyMs: number,
  counters: { failed: number },
): (topic: string, reason: string, n?: number) => void {
  let lastLog = Number.NEGATIVE_INFINITY;
  let sinceLog = 0;
  return (topic, reason, n = 1) => {
    counters.failed += n;
    sinceLog += n;
    const t = Date.now();
    if (t - lastLog < everyMs) return;
    log.warn({ topic, reason, failed: counters.failed, sinceLastWarning: sinceLog }, 'bus publish failed; dropped');
    lastLog = t;
    sinceLog = 0;
  };
}
