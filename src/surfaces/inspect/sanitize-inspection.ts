import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { maskText } from './mask-text.js';
import { sanitizeForInspector } from './sanitize.js';

const MAX_CONFIG_DEPTH = 64;

/**
 * Sanitises the data-bearing parts of one inspection event (snapshot context and output, the
 * event's fields, initial context inside the machine definition) and keeps what the inspector
 * UI needs to draw the machine (ids, types, states, transitions), with addresses and secrets
 * masked in every string of it.
 */
export function sanitizeInspectionEvent(ev: StatelyInspectionEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // ids, names and the source and target of an event are strings an actor id can put an address in
  for (const [k, v] of Object.entries(ev)) out[k] = typeof v === 'string' ? maskText(v) : v;
  if ('definition' in ev && typeof ev.definition === 'string') out.definition = sanitizeDefinition(ev.definition);
  if ('snapshot' in ev && ev.snapshot) out.snapshot = sanitizeForInspector(ev.snapshot);
  if ('event' in ev && ev.event) {
    const { type, ...rest } = ev.event;
    out.event = { ...(sanitizeForInspector(rest) as Record<string, unknown>), type: maskText(String(type).slice(0, 128)) };
  }
  return out;
}

// a machine config may carry a static initial context (or input): those are data, the rest is shape
function sanitizeDefinition(definition: string): string {
  let config: unknown;
  try {
    config = JSON.parse(definition);
  } catch {
    return maskText(definition);
  }
  return maskText(JSON.stringify(scrubConfig(config, 0)));
}

function scrubConfig(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || depth > MAX_CONFIG_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => scrubConfig(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === 'context' || k === 'input' ? sanitizeForInspector(x) : scrubConfig(x, depth + 1);
  }
  return out;
}
