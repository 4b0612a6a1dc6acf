import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { FileReadOptions, FileReadResult } from '../docker.port.js';
import { isContainerName } from '../container-name.js';
import { firstTarFile, tarCapFor } from '../tar-entry.js';

/** Default wall-clock bound of a file read. */
const READ_TIMEOUT_MS = 5000;
// an absolute path of plain segments: the archive API follows no `..` we send, but none is sent
const PLAIN_PATH = /^\/(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * `GET /containers/{name}/archive?path=…` through dockerode: the tar is read up to the cap one
 * file of `maxBytes` can need (a container is attacker-controlled: a bigger answer is abandoned
 * as `too-large`), then only its first entry is parsed. Never throws.
 */
export async function readArchiveFile(
  docker: Docker,
  container: string,
  path: string,
  maxBytes: number,
  opts: FileReadOptions = {},
): Promise<FileReadResult> {
  if (!isContainerName(container)) return { ok: false, reason: 'engine', detail: 'invalid container name' };
  if (!PLAIN_PATH.test(path) || path.length > 1024) return { ok: false, reason: 'engine', detail: 'invalid path' };
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) return { ok: false, reason: 'engine', detail: 'invalid size cap' };
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, opts.timeoutMs ?? READ_TIMEOUT_MS);
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const cap = tarCapFor(maxBytes);
  try {
    if (opts.signal?.aborted) return { ok: false, reason: 'timeout', detail: 'aborted' };
    const stream = (await docker.getContainer(container).getArchive({ path, abortSignal: abort.signal })) as unknown as Readable;
    const chunks: Buffer[] = [];
    let size = 0;
    const over = await new Promise<boolean>((resolve, reject) => {
      const stop = () => {
        stream.destroy();
        resolve(true);
      };
      abort.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > cap) return stop();
        chunks.push(c);
      });
      stream.on('end', () => resolve(false));
      stream.on('error', reject);
      stream.on('close', () => resolve(false));
    });
    if (over) return { ok: false, reason: 'too-large', detail: `archive passed ${cap} bytes` };
    return firstTarFile(Buffer.concat(chunks), maxBytes);
  } catch (err) {
    if (timedOut) return { ok: false, reason: 'timeout', detail: `no answer within ${opts.timeoutMs ?? READ_TIMEOUT_MS} ms` };
    if (opts.signal?.aborted) return { ok: false, reason: 'timeout', detail: 'aborted' };
    const status = (err as { statusCode?: number }).statusCode;
    const detail = String((err as Error).message ?? err)
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    return { ok: false, reason: status === 404 ? 'missing' : 'engine', detail };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
