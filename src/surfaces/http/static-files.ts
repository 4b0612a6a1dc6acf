import { lstat, readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_HEADERS, sendError } from './respond.js';

/** The dashboard's assets: src/web beside src/infra in the tree, dist/web once built. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/** Only what the page is made of may be read (no .md, .ts, dotfiles). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Same-origin scripts, styles and connections only; no inline code, no framing. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Resolves a URL path (still percent-encoded) to a file under `root`, or null when it would
 * leave `root`, names a hidden file or has a type we do not serve.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path === '/' || path === '') path = '/index.html';
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return null;
  if (path.split('/').some((seg) => seg.startsWith('.'))) return null;
  const base = resolve(root);
  const full = resolve(base, `.${path}`);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return CONTENT_TYPES[extname(full)] ? full : null;
}

/** Serves one dashboard asset, or a JSON 404. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, headOnly: boolean): Promise<void> {
  const file = resolveStaticPath(root, urlPath);
  // symlinks are refused: a link inside the web root could point anywhere
  const st = file ? await lstat(file).catch(() => null) : null;
  if (!file || !st?.isFile()) {
    sendError(res, 404, 'not found');
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)]!,
    'Content-Length': String(body.length),
    'Content-Security-Policy': DASHBOARD_CSP,
  });
  res.end(headOnly ? undefined : body);
}
