import type { Envelope } from './bus.port.js';

/**
 * An inbound message as an envelope. A full SPEC §5 envelope keeps its id, type, ts and payload;
 * a bare JSON object (`nats pub system.orchestrator.control '{"action":"stop"}'`) becomes the
 * payload of a new envelope of type `external`. The subject is always the topic: what the
 * sender wrote in `topic` is not trusted. Anything else is null.
 */
export function envelopeFromWire(subject: string, value: unknown, now: () => Date, newId: () => string): Envelope | null {
  if (!isObject(value)) return null;
  const v = value as Partial<Envelope>;
  if (v.v === 1 && typeof v.id === 'string' && typeof v.type === 'string' && typeof v.ts === 'string' && isObject(v.payload)) {
    return { v: 1, id: v.id, topic: subject, type: v.type, ts: v.ts, payload: v.payload as Record<string, unknown> };
  }
  return { v: 1, id: newId(), topic: subject, type: 'external', ts: now().toISOString(), payload: value as Record<string, unknown> };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
