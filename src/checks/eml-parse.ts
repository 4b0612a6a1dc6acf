/** A message split into unfolded headers (in order, names as written) and its decoded text body. */
interface ParsedEml {
  headers: Array<[name: string, value: string]>;
  /** the body decoded from its transfer encoding, as UTF-8 text */
  body: string;
}

/**
 * A small, lenient RFC 5322 reader for the checks: headers up to the first empty line,
 * continuation lines unfolded, body decoded from quoted-printable or base64 when declared.
 * Spool files come from attacker-controlled hosts, so nothing here throws.
 */
export function parseEml(raw: string): ParsedEml {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const rawBody = split < 0 ? '' : text.slice(split + 2);
  const headers: Array<[string, string]> = [];
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const cte = (header(headers, 'content-transfer-encoding') ?? '').toLowerCase();
  return { headers, body: decodeBody(rawBody, cte) };
}

/** The first value of a header (case-insensitive name), or undefined. */
export function header(headers: ParsedEml['headers'], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** How many times a header occurs (case-insensitive name). */
export function headerCount(headers: ParsedEml['headers'], name: string): number {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).length;
}

/** Message-IDs in a header value, in order (`<a@b> <c@d>`). */
export function messageIds(value: string | undefined): string[] {
  return value ? (value.match(/<[^<>\s]+>/g) ?? []) : [];
}

function decodeBody(body: string, cte: string): string {
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** Decodes quoted-printable (soft line breaks, `=XX` bytes) into UTF-8 text. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
