import { isIP } from 'node:net';

// scheme://user:pass@ or scheme://token@: the userinfo goes, the host stays
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]+@/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/=-]+/gi;
// name=value pairs in query strings, headers turned text, DSNs and env dumps
const SECRET_PARAM = /\b([a-z_-]*(?:token|password|passwd|pwd|secret|api_?key|apikey|auth|credentials?|sig|signature)=)[^&\s"'<>,;]+/gi;
// the local part stops at `]` and `/`, so a masked `scheme://[credentials]@host` is left alone
const EMAIL = /[^\s@<>"'(),;:[\]/]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;
// hex, colons and dots in a run of their own; `isIP` decides (times like 10:30:00 are not addresses)
const V6_CANDIDATE = /(?<![0-9A-Za-z:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?![0-9A-Za-z:])/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d)`, 'g');

/**
 * Masks what must not leave the process inside any text, whatever key it sits under: URL
 * credentials, `Bearer …` and `token=…`-style secrets, email addresses, IPv4 and IPv6 addresses.
 */
export function maskText(s: string): string {
  return s
    .replace(URL_USERINFO, '$1[credentials]@')
    .replace(AUTH_SCHEME, '$1$2[redacted]')
    .replace(SECRET_PARAM, '$1[redacted]')
    .replace(EMAIL, '[email]')
    .replace(V6_CANDIDATE, (m) => {
      const bare = m.replace(/\.$/, '');
      return isIP(bare) === 6 ? `[ip]${m.slice(bare.length)}` : m;
    })
    .replace(V4, '[ip]');
}
