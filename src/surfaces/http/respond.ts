import type { ServerResponse } from 'node:http';

/** Headers every response carries: nothing is cached, sniffed or framed. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** Writes a JSON body with `Cache-Control: no-store`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Writes `{error, reason?}`: the only shape errors take. */
export function sendError(res: ServerResponse, status: number, error: string, reason?: string, headers?: Record<string, string>): void {
  sendJson(res, status, reason === undefined ? { error } : { error, reason }, headers);
}
