import type { DockerPort, ExecRequest } from '../../infra/docker/docker.port.js';
import type { DriverOutcome } from '../../domain/driver-outcome.js';
import { execSafely } from './exec-safely.js';
import { sanitizeField, sanitizeStderr } from './sanitize.js';
import type { DriverLimits } from './traffic.driver.js';
import { filePathProblem, isDeckyName } from './validate.js';

/** Action string of a file event (SPEC §3.2). */
export const FILE_ACTION = 'file:create';

/**
 * The fixed script: `$1` is the path, `$2` an optional mtime (epoch seconds); content is stdin.
 * Creates parent dirs, writes, then touches (to `$2` when given).
 */
export const FILE_SCRIPT =
  'mkdir -p -- "$(dirname -- "$1")" && cat > "$1" && if [ -n "$2" ]; then touch -d "@$2" -- "$1"; else touch -- "$1"; fi';

/**
 * Largest body the single §3.2 exec carries. Supervisor plans are a line or two; planned files
 * of any size go through `planned-file.driver.ts`, which streams them in chunks.
 */
export const FILE_MAX_BYTES = 48 * 1024;

/** Output the file script may produce (error messages only). */
const FILE_MAX_OUTPUT = 4096;

/** One file action: write `content` to `path` in `<dstName>-ssh`. */
interface FileRequest {
  dstName: string;
  path: string;
  content: string | Uint8Array;
  /** file mtime to set; default: now (the moment of writing) */
  mtime?: Date;
}

/** The exec for a file action, or why it is refused (then nothing may be executed). */
export function buildFileExec(
  req: FileRequest,
  limits: DriverLimits = {},
): { ok: true; exec: ExecRequest } | { ok: false; reason: string } {
  if (!isDeckyName(req.dstName)) return { ok: false, reason: 'refused: invalid destination decky name' };
  const problem = filePathProblem(req.path);
  if (problem) return { ok: false, reason: `refused: ${problem}` };
  const argv = ['sh', '-c', FILE_SCRIPT, 'sh', req.path];
  if (req.mtime) {
    const secs = Math.floor(req.mtime.getTime() / 1000);
    if (!Number.isFinite(secs)) return { ok: false, reason: 'refused: invalid mtime' };
    argv.push(String(secs));
  }
  const bytes = typeof req.content === 'string' ? Buffer.byteLength(req.content) : req.content.byteLength;
  if (bytes > FILE_MAX_BYTES) return { ok: false, reason: 'refused: body is larger than one exec carries' };
  return {
    ok: true,
    exec: {
      container: `${req.dstName}-ssh`,
      argv,
      stdin: req.content,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes ?? FILE_MAX_OUTPUT,
    },
  };
}

/** Writes one file on `docker` (the destination decky's host); never throws. */
export async function runFile(docker: DockerPort, req: FileRequest, limits: DriverLimits = {}): Promise<DriverOutcome<'file'>> {
  const bytes = typeof req.content === 'string' ? Buffer.byteLength(req.content) : req.content.byteLength;
  const base = { dst_decky: sanitizeField(String(req.dstName), 128), path: sanitizeField(String(req.path), 512), bytes };
  const built = buildFileExec(req, limits);
  if (!built.ok) {
    return { kind: 'file', action: FILE_ACTION, success: false, payload: { ...base, rc: null, stderr: built.reason } };
  }
  const res = await execSafely(docker, built.exec);
  const success = res.rc === 0 && !res.timedOut && !res.truncated;
  // DECNET's worker writes stderr always, null on success
  const payload: Record<string, unknown> = {
    ...base,
    rc: res.rc,
    stderr: success ? null : sanitizeStderr(res.stderr),
    duration_ms: res.durationMs,
  };
  if (res.timedOut) payload.timed_out = true;
  if (res.truncated) payload.truncated = true;
  return { kind: 'file', action: FILE_ACTION, success, payload };
}
