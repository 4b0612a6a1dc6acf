import { maskText } from './mask-text.js';

/** Limits of `sanitizeForInspector`. */
interface SanitizeLimits {
  /** longer strings are cut and marked; default 256 */
  maxString?: number;
  /** deeper values become `[depth]`; default 8 */
  maxDepth?: number;
  /** array items and object keys kept per level; default 50 */
  maxItems?: number;
}

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

// exact key names (lowercased, without _ and -) that carry message text or credentials
const SECRET_KEYS = new Set(['body', 'text', 'prompt', 'signature', 'authorization', 'cookie', 'stdin', 'eml', 'html', 'raw']);
// key fragments: sendermail, recipientemail, apitoken, dbpassword, systemprompt, …
const SECRET_PARTS = ['email', 'token', 'password', 'passwd', 'secret', 'credential', 'apikey', 'privatekey', 'prompt'];

/** True when a key's value must never reach the inspector. */
function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEYS.has(k) || SECRET_PARTS.some((p) => k.includes(p));
}

/**
 * A JSON-safe deep copy for the inspector: secret-looking keys redacted; email and IP addresses,
 * URL credentials and bearer or `token=` secrets masked inside every string and key (`maskText`);
 * strings, arrays and depth capped, cycles and functions cut.
 */
export function sanitizeForInspector(value: unknown, limits: SanitizeLimits = {}): unknown {
  const maxString = limits.maxString ?? 256;
  const maxDepth = limits.maxDepth ?? 8;
  const maxItems = limits.maxItems ?? 50;
  const path = new WeakSet<object>();

  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (typeof v === 'string') return maskAndCap(v, maxString);
    if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
    if (typeof v === 'function') return '[function]';
    if (typeof v !== 'object') return undefined;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (v instanceof Error) return { name: v.name, message: walk(v.message, depth + 1) };
    if (depth >= maxDepth) return '[depth]';
    if (path.has(v)) return '[circular]';
    path.add(v);
    try {
      return walkObject(v, depth);
    } finally {
      path.delete(v);
    }
  };

  const walkObject = (v: object, depth: number): unknown => {
    // actor refs and machine snapshots know their own JSON form (ids, no machine internals)
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      let json: unknown;
      try {
        json = toJSON.call(v);
      } catch {
        return '[unserialisable]';
      }
      return json === v ? walkEntries(Object.entries(v), depth) : walk(json, depth);
    }
    if (v instanceof Map) return walkArray([...v.entries()], depth);
    if (v instanceof Set) return walkArray([...v], depth);
    if (Array.isArray(v)) return walkArray(v, depth);
    return walkEntries(Object.entries(v), depth);
  };

  const walkArray = (a: unknown[], depth: number): unknown[] => {
    const out = a.slice(0, maxItems).map((x) => walk(x, depth + 1) ?? null);
    if (a.length > maxItems) out.push(`[+${a.length - maxItems} more]`);
    return out;
  };

  const walkEntries = (entries: [string, unknown][], depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries.slice(0, maxItems)) {
      const key = maskAndCap(k, 64);
      if (isSecretKey(k)) out[key] = x === undefined || x === null ? x : REDACTED;
      else {
        const w = walk(x, depth + 1);
        if (w !== undefined) out[key] = w;
      }
    }
    if (entries.length > maxItems) out['…'] = `[+${entries.length - maxItems} more keys]`;
    return out;
  };

  return walk(value, 0);
}

// masking a megabyte per event would stall the daemon: only a generous head is masked, without its
// last token (it may be cut in half, and half an address is still an address); the cut comes after
function maskAndCap(s: string, max: number): string {
  const head = s.length > max * 4 ? s.slice(0, max * 4).replace(/\S*$/, '') : s;
  const masked = maskText(head);
  if (head === s && masked.length <= max) return masked;
  return `${masked.slice(0, max)}…[+${Math.max(1, s.length - max)}]`;
}
