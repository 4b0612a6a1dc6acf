import type { IncomingHttpHeaders } from 'node:http';

/**
 * Why a request must be refused as cross-site, or undefined. A browser names the page that made a
 * request in `Origin` (always on POST, on cross-origin GET) and `Sec-Fetch-Site`; a request
 * carrying neither comes from a non-browser client or a typed URL and is let through.
 * `same-site` is refused too: ports do not make a site, so any other page served on this host
 * (a dev server on localhost:3000) is same-site with the API.
 */
export function crossSiteRefusal(headers: IncomingHttpHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site ${String(site).slice(0, 32)} is refused`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  return isOwnOrigin(origin, headers.host) ? undefined : 'the Origin header does not name this server';
}

// the page's origin must be this very server (http://, or https:// behind a TLS proxy) as the Host header names it
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  const o = origin.trim().toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
}
