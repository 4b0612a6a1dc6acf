import type { Envelope } from '../bus.port.js';

/** DECNET's envelope on the wire: `ts` is epoch seconds and `id` a dashless uuid4 (COMPAT §3). */
interface DecnetWireEnvelope {
  v: 1;
  id: string;
  topic: string;
  type: string;
  ts: number;
  payload: Record<string, unknown>;
}

/** The body of a PUB: DECNET's envelope built from our publish (its server keeps only type and payload). */
export function decnetWireEnvelope(
  topic: string,
  type: string,
  payload: Record<string, unknown>,
  now: Date,
  id: string,
): DecnetWireEnvelope {
  return { v: 1, id, topic, type, ts: now.getTime() / 1000, payload };
}

/**
 * An EVT body as our envelope, or null when its payload is not an object. The header's topic wins
 * over the body's; a missing id or ts is filled in as DECNET's own client does, and the epoch `ts`
 * becomes the ISO string our handlers read.
 */
export function envelopeFromDecnet(topic: string, body: Record<string, unknown>, now: () => Date, newId: () => string): Envelope | null {
  const payload = body.payload ?? {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const ts = typeof body.ts === 'number' && Number.isFinite(body.ts) ? isoFromEpoch(body.ts) : null;
  return {
    v: 1,
    id: typeof body.id === 'string' && body.id !== '' ? body.id : newId(),
    topic,
    type: typeof body.type === 'string' ? body.type : '',
    ts: ts ?? now().toISOString(),
    payload: payload as Record<string, unknown>,
  };
}

// a finite epoch far outside Date's range (±8.64e12 s) would make toISOString throw
function isoFromEpoch(seconds: number): string | null {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
