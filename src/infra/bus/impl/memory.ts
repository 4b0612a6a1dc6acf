import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger.port.js';
import type { BusPort, Envelope } from '../bus.port.js';
import { patternProblem, topicMatches, topicProblem } from '../topics.js';
import { errText } from '../../../domain/err-text.js';

/** Options of the in-process bus. */
interface MemoryBusOptions {
  logger: Logger;
  /** envelope timestamps; injectable for tests */
  now?: () => Date;
  /** envelope ids; injectable for tests */
  newId?: () => string;
}

/** Thrown by `subscribe` for a malformed pattern: a programming error, never a runtime one. */
export class BusPatternError extends Error {
  readonly code = 'BUS_PATTERN_INVALID';
}

interface Subscription {
  pattern: string;
  handler: (e: Envelope) => void;
}

/**
 * In-process bus (SPEC §5): synchronous fan-out to matching subscribers. Publishing never throws:
 * a bad topic is logged and dropped, and a throwing subscriber is logged and skipped.
 */
export function createMemoryBus(opts: MemoryBusOptions): BusPort {
  const log = opts.logger.child({ component: 'bus' });
  const now = opts.now ?? (() => new Date());
  const newId = opts.newId ?? randomUUID;
  let subs: readonly Subscription[] = [];

  return {
    publish(topic, type, payload) {
      try {
        const problem = topicProblem(topic);
        if (problem) {
          log.warn({ topic, type, problem }, 'bus publish dropped: invalid topic');
          return;
        }
        // built for the first matching subscriber only: with nobody listening (no --http, no relay)
        // a uuid and a timestamp per event row are the writer's largest cost after SQLite's
        let envelope: Envelope | undefined;
        // iterate over the list as it was: handlers may (un)subscribe while being called
        for (const s of subs) {
          if (!topicMatches(s.pattern, topic)) continue;
          envelope ??= { v: 1, id: newId(), topic, type, ts: now().toISOString(), payload };
          try {
            s.handler(envelope);
          } catch (err) {
            log.error({ topic, type, pattern: s.pattern, err: errorText(err) }, 'bus subscriber threw');
          }
        }
      } catch (err) {
        log.error({ topic, type, err: errorText(err) }, 'bus publish failed');
      }
    },
    subscribe(pattern, handler) {
      const problem = patternProblem(pattern);
      if (problem) throw new BusPatternError(problem);
      const sub: Subscription = { pattern, handler };
      subs = [...subs, sub];
      return () => {
        subs = subs.filter((s) => s !== sub);
      };
    },
  };
}

function errorText(err: unknown): string {
  return errText(err);
}
