import { printable as printableText } from '../surfaces/cli/text-output.js';
import type { Envelope } from '../infra/bus/bus.port.js';

// decky names and banners come from attacker-controlled hosts: no terminal escapes reach the screen
const printable = (v: unknown): string => printableText(String(v ?? ''));
const short = (uuid: unknown): string => printable(uuid).replace(/^local:/, '');

/** One human line for a bus event: time, kind, route, result and the detail that matters. */
export function formatEvent(e: Envelope): string {
  const p = e.payload as Record<string, unknown>;
  const inner = (p.payload ?? {}) as Record<string, unknown>;
  const time = e.ts.slice(11, 19);
  const kind = e.topic.split('.')[1] ?? '?';
  const ok = p.success ? 'ok    ' : 'FAILED';
  const route = p.srcDeckyUuid ? `${short(p.srcDeckyUuid)} -> ${short(p.dstDeckyUuid)}` : `-> ${short(p.dstDeckyUuid)}`;
  const detail = p.success
    ? printable(inner.banner ?? inner.path ?? inner.subject ?? '').trim()
    : printable(inner.stderr ?? `rc ${printable(inner.rc)}`).trim();
  return `${time}  ${kind.padEnd(7)} ${ok} ${route.padEnd(24)} ${detail.slice(0, 80)}`;
}
