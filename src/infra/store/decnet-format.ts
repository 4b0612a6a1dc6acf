/**
 * Value formats of DECNET's database (DECNET-COMPAT §2): what its Python writer puts in a SQLite
 * file, so rows this store writes read back in DECNET's API unchanged. Pure; no vendor types.
 */

const PAD2 = (n: number) => String(n).padStart(2, '0');

/** A UTC instant as DECNET's SQLite stores it: naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function toDecnetTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${PAD2(d.getUTCMonth() + 1)}-${PAD2(d.getUTCDate())}`;
  const time = `${PAD2(d.getUTCHours())}:${PAD2(d.getUTCMinutes())}:${PAD2(d.getUTCSeconds())}`;
  // a Date has milliseconds: the three further digits of DECNET's microseconds are zero.
  return `${date} ${time}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000`;
}

// naive text (DECNET, PostgreSQL's timestamp output) or ISO-8601 (this project's earlier rows)
const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a stored timestamp: naive text is UTC (DECNET dropped the offset when it wrote it);
 * an offset, when present, is honoured; a Date (a driver that parsed it) is taken as is.
 * Anything else is an invalid Date, never a throw: one bad row must not stop a listing.
 */
export function fromDecnetTime(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v !== 'string') return new Date(Number.NaN);
  const m = NAIVE.exec(v.trim());
  if (!m) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return new Date(t);
}

/** A nullable stored timestamp. */
export function fromDecnetTimeOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : fromDecnetTime(v);
}

/** A boolean as DECNET's SQLite stores it. */
export function toDecnetBool(b: boolean): 0 | 1 {
  return b ? 1 : 0;
}

/** A stored boolean: 0/1 (SQLite, smallint), true/false (PostgreSQL boolean), '1'/'0' text. */
export function fromDecnetBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 1n;
}

/**
 * JSON as Python's `json.dumps` writes it with its defaults (DECNET's `payload`,
 * `realism_config.value`, `email_personas`): `", "` and `": "` separators, every character
 * outside printable ASCII escaped as lowercase `\uXXXX`, integral numbers as integers.
 * Non-finite numbers become `null` (Python would write `NaN`, which no strict reader takes);
 * `undefined` members are left out and `toJSON` is honoured, as JSON.stringify does.
 */
export function pyJsonDumps(value: unknown): string {
  const out = dump(value);
  return out === undefined ? 'null' : out;
}

function dump(v: unknown): string | undefined {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof v) {
    case 'string':
      return pyString(v);
    case 'number':
      return Number.isFinite(v) ? pyNumber(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => dump(x) ?? 'null').join(', ')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const s = dump(x);
    if (s !== undefined) parts.push(`${pyString(k)}: ${s}`);
  }
  return `{${parts.join(', ')}}`;
}

// Python's float repr pads the exponent to two digits (1e-07); JS writes 1e-7.
function pyNumber(n: number): string {
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

// ensure_ascii: anything outside space..~ is escaped, astral characters as a surrogate pair.
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT[ch] !== undefined) out += SHORT[ch];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON as orjson writes it (DECNET's `services`): compact, UTF-8, no escaping beyond JSON's. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}
