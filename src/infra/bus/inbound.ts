import { z } from 'zod';
import type { Envelope } from './bus.port.js';
import { topicProblem } from './topics.js';
import { envelopeFromWire } from './wire-envelope.js';

/** Largest heartbeat or control message accepted from another process (bytes). */
export const MAX_SYSTEM_BYTES = 16 * 1024;
/** Largest event accepted from another process (bytes); ours are a few hundred. */
export const MAX_EVENT_BYTES = 256 * 1024;

// a worker or kind token: short, lowercase, no separators that could alias another series
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const Payload = z.record(z.string(), z.unknown());
const Health = Payload.and(z.object({ worker: z.string().optional(), ts: z.string().max(64).optional() }));
const Control = Payload.and(z.object({ action: z.string().max(32) }));

/** An inbound message accepted as an envelope, or why it was refused. */
type InboundResult = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/**
 * Validates a message another process put on the bus before any subscriber sees it: the subject
 * is a valid topic of its family (`system.<worker>.health|control`, `orchestrator.<kind>.<dst>`,
 * worker and kind by a strict pattern), the size is under its family's cap, the body is a JSON
 * object (SPEC §5 envelope or bare payload), a heartbeat names no other worker than its subject,
 * and a control message carries a string `action`. Never throws.
 */
export function acceptInbound(subject: string, bytes: number, decoded: unknown, now: () => Date, newId: () => string): InboundResult {
  const problem = topicProblem(subject);
  if (problem) return { ok: false, reason: problem };
  const [family, name, leaf] = subject.split('.');
  const system = family === 'system';
  if (bytes > (system ? MAX_SYSTEM_BYTES : MAX_EVENT_BYTES)) return { ok: false, reason: 'too large' };
  if ((system || family === 'orchestrator') && !NAME.test(name ?? ''))
    return { ok: false, reason: system ? 'bad worker name' : 'bad kind' };
  if (system && leaf !== 'health' && leaf !== 'control') return { ok: false, reason: 'unknown system topic' };
  const envelope = envelopeFromWire(subject, decoded, now, newId);
  if (!envelope) return { ok: false, reason: 'not a JSON object' };
  if (system && leaf === 'health') {
    const h = Health.safeParse(envelope.payload);
    if (!h.success) return { ok: false, reason: 'malformed heartbeat' };
    if (h.data.worker !== undefined && h.data.worker !== name) return { ok: false, reason: 'heartbeat names another worker' };
  }
  if (system && leaf === 'control' && !Control.safeParse(envelope.payload).success)
    return { ok: false, reason: 'malformed control message' };
  return { ok: true, envelope };
}
