import type { Logger } from '../../log/logger.port.js';
import type { Envelope } from '../bus.port.js';
import { topicMatches } from '../topics.js';
import { errText } from '../../../domain/err-text.js';

interface Subscription {
  pattern: string;
  handler: (e: Envelope) => void;
}

/** In-process delivery of ready envelopes to matching handlers; a throwing handler is logged and skipped. */
interface LocalFanout {
  deliver(e: Envelope): void;
  /** adds a handler for an already validated pattern; returns the removal */
  add(pattern: string, handler: (e: Envelope) => void): () => void;
}

/** Creates a fan-out; `log` names the bus in handler errors. */
export function createLocalFanout(log: Logger): LocalFanout {
  let subs: readonly Subscription[] = [];
  return {
    deliver(e) {
      // iterate over the list as it was: handlers may (un)subscribe while being called
      for (const s of subs) {
        if (!topicMatches(s.pattern, e.topic)) continue;
        try {
          s.handler(e);
        } catch (err) {
          log.error({ topic: e.topic, type: e.type, pattern: s.pattern, err: errText(err) }, 'bus subscriber threw');
        }
      }
    },
    add(pattern, handler) {
      const sub: Subscription = { pattern, handler };
      subs = [...subs, sub];
      return () => {
        subs = subs.filter((s) => s !== sub);
      };
    },
  };
}
