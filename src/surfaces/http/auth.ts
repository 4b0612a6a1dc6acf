import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Tokens shorter than this are refused at start: they can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Compares the request's `Authorization: Bearer …` with the token in constant time: both sides
 * are hashed first, so neither the length nor a common prefix leaks through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const want = createHash('sha256').update(token).digest();
  // the comparison runs even without a header, so a missing header costs the same
  return timingSafeEqual(given, want) && m !== null;
}

/**
 * Without a token the API trusts loopback, so the Host header must name loopback too: this
 * stops a web page from reaching the API through DNS rebinding.
 */
export function hostHeaderIsLoopback(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  return m !== null && isLoopbackHost(m[1]!);
}
