/** Longest encoded line of a body or header, without CRLF (RFC 2045 §6.7, RFC 2047 §2). */
const MAX_ENCODED_LINE = 76;
/** Longest encoded-word (RFC 2047 §2). */
const MAX_ENCODED_WORD = 75;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** True when `text` is printable US-ASCII and needs no RFC 2047 encoding. */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

/**
 * Quoted-printable body (RFC 2045 §6.7) with CRLF hard breaks and soft breaks keeping every
 * line ≤ 76 characters; the bytes of one character never straddle a soft break.
 */
export function encodeQuotedPrintable(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(encodeQpLine).join('\r\n');
}

function encodeQpLine(line: string): string {
  const tokens: string[] = [];
  for (const ch of line) {
    const code = ch.codePointAt(0)!;
    const literal = (code >= 33 && code <= 126 && code !== 61) || code === 32 || code === 9;
    tokens.push(literal ? ch : hexBytes(ch, '='));
  }
  // a space or tab ending the line would be eaten by transports, so it is encoded
  const last = tokens[tokens.length - 1];
  if (last === ' ' || last === '\t') tokens[tokens.length - 1] = last === ' ' ? '=20' : '=09';
  let out = '';
  let cur = '';
  for (const t of tokens) {
    // 75 + the soft-break "=" = 76
    if (cur.length + t.length > MAX_ENCODED_LINE - 1) {
      out += `${cur}=\r\n`;
      cur = '';
    }
    cur += t;
  }
  return out + cur;
}

function hexBytes(ch: string, prefix: string): string {
  let s = '';
  for (const b of Buffer.from(ch, 'utf8')) s += prefix + b.toString(16).toUpperCase().padStart(2, '0');
  return s;
}

// RFC 2047 §5(3): the only characters a Q-encoded word may carry literally inside a phrase
const Q_SAFE = /^[A-Za-z0-9!*+\-/]$/;

function qToken(ch: string): string {
  if (ch === ' ') return '_';
  return Q_SAFE.test(ch) ? ch : hexBytes(ch, '=');
}

/**
 * RFC 2047 encoded-words for `text`, UTF-8, Q or B whichever is shorter (as mail clients do),
 * split on character boundaries so each word is ≤ 75 characters; the first word fits in
 * `firstRoom` characters so the first header line stays within 76.
 */
export function encodeWords(text: string, firstRoom: number = MAX_ENCODED_WORD): string[] {
  const chars = Array.from(text);
  const qLen = chars.reduce((n, ch) => n + qToken(ch).length, 0);
  const bLen = Math.ceil(Buffer.byteLength(text, 'utf8') / 3) * 4;
  const useQ = qLen <= bLen;
  const overhead = '=?UTF-8?Q?'.length + '?='.length;
  const words: string[] = [];
  let chunk: string[] = [];
  const room = () => Math.max(16, (words.length === 0 ? Math.min(firstRoom, MAX_ENCODED_WORD) : MAX_ENCODED_WORD) - overhead);
  const size = (cs: string[]) =>
    useQ ? cs.reduce((n, ch) => n + qToken(ch).length, 0) : Math.ceil(Buffer.byteLength(cs.join(''), 'utf8') / 3) * 4;
  const flush = () => {
    if (chunk.length === 0) return;
    const payload = useQ ? chunk.map(qToken).join('') : Buffer.from(chunk.join(''), 'utf8').toString('base64');
    words.push(`=?UTF-8?${useQ ? 'Q' : 'B'}?${payload}?=`);
    chunk = [];
  };
  for (const ch of chars) {
    if (chunk.length > 0 && size([...chunk, ch]) > room()) flush();
    chunk.push(ch);
  }
  flush();
  return words;
}

/**
 * Folds `Name: value` at spaces so lines stay within 78 characters where the value allows
 * (RFC 5322 §2.2.3); continuation lines start with one space; joined with CRLF.
 */
export function foldHeader(name: string, value: string): string {
  const tokens = value.split(' ').filter((t, i) => t !== '' || i === 0);
  let line = `${name}: ${tokens[0] ?? ''}`;
  const lines: string[] = [];
  for (const token of tokens.slice(1)) {
    if (line.length + 1 + token.length > 78) {
      lines.push(line);
      line = ` ${token}`;
    } else {
      line += ` ${token}`;
    }
  }
  lines.push(line);
  return lines.join('\r\n');
}
