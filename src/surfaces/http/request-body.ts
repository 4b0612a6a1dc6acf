import type { IncomingMessage } from 'node:http';
import type { Parsed } from './query.js';

/**
 * Reads a small JSON object body: empty → `{}`; anything else must be `application/json`
 * (a cross-site form cannot send that without a preflight) and at most `maxBytes`.
 * `status` is the answer to give when it is refused.
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Parsed<Record<string, unknown>> & { status?: 413 | 415 | 422 }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return { ok: false, reason: `the body must be at most ${maxBytes} bytes`, status: 413 };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { ok: false, reason: `the body must be at most ${maxBytes} bytes`, status: 413 };
    chunks.push(chunk);
  }
  if (size === 0) return { ok: true, value: {} };
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') return { ok: false, reason: 'the body must be application/json', status: 415 };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { ok: false, reason: 'the body is not valid JSON', status: 422 };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'the body must be a JSON object', status: 422 };
  return { ok: true, value: value as Record<string, unknown> };
}
