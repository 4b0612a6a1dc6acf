import { domainToASCII } from 'node:url';
import { isPersonaEmail } from '../../domain/persona.js';
import { EmlError } from './eml-error.js';

// Persona addresses follow DECNET's loose rule (an `@`, a dotted domain after the last one), so
// they may hold spaces, quotes, a second `@`, non-ASCII or even line breaks. Here they are made
// safe where they are used: a header gets one well-formed addr-spec, a Message-ID a bare host name.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// RFC 5322 dot-atom, widened to UTF-8 as RFC 6532 allows
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\u{10ffff}-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a0-\u{10ffff}-]+)*$/u;
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))+$/;
const ASCII_DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
// domainToASCII parses a URL host, which would cut `acme.com/../x` at the slash: only a bare label run goes in
const URL_DELIMS = /[\s/?#\\:@[\]%<>"^|]/;
const toAscii = (domain: string) => (URL_DELIMS.test(domain) ? '' : domainToASCII(domain));
/** Longest Message-ID domain: `<32 hex>_at_<domain>.eml` must stay a safe spool file name (eml-path.ts). */
const MAX_ID_DOMAIN = 150;
/** Right side of a Message-ID when the sender's domain cannot be one, as a misconfigured host would send. */
const FALLBACK_ID_DOMAIN = 'localhost.localdomain';

function split(email: string): { local: string; domain: string } {
  if (!isPersonaEmail(email)) throw new EmlError('EML_INVALID_ADDRESS', `invalid address: ${JSON.stringify(email)}`);
  const at = email.lastIndexOf('@');
  return { local: email.slice(0, at), domain: email.slice(at + 1) };
}

/** The address as one header token: dot-atoms as written, other local parts quoted, controls gone, IDN domains in punycode. */
export function headerAddrSpec(email: string): string {
  const { local, domain } = split(email.trim());
  const cleanLocal = local.replace(CONTROLS, ' ');
  const localPart = DOT_ATOM.test(cleanLocal) ? cleanLocal : `"${cleanLocal.replace(/(["\\])/g, '\\$1')}"`;
  return `${localPart}@${headerDomain(domain)}`;
}

// a plain ASCII domain stays as written; anything else becomes what a resolver could look up
function headerDomain(domain: string): string {
  const clean = domain.replace(CONTROLS, '').trim();
  if (ASCII_DOMAIN.test(clean)) return clean;
  const ascii = toAscii(clean);
  if (ascii && ASCII_DOMAIN.test(ascii)) return ascii;
  const stripped = clean.replace(/[^A-Za-z0-9.-]+/g, '').replace(/^[.-]+|[.-]+$/g, '');
  return ASCII_DOMAIN.test(stripped) ? stripped : FALLBACK_ID_DOMAIN;
}

/** The host a Message-ID names: the sender's domain lowercased (punycode for IDN), or FALLBACK_ID_DOMAIN when it cannot be one. */
export function messageIdDomain(senderEmail: string): string {
  const { domain } = split(senderEmail.trim());
  const ascii = toAscii(domain.trim()).toLowerCase();
  return ascii.length <= MAX_ID_DOMAIN && HOST.test(ascii) ? ascii : FALLBACK_ID_DOMAIN;
}
