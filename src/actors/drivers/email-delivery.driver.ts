import { isContainerName } from '../../infra/docker/container-name.js';
import type { DockerPort, ExecRequest } from '../../infra/docker/docker.port.js';
import { emlFileName, emlPath, isSafeThreadId } from '../../infra/mail/eml-path.js';
import { execSafely } from './exec-safely.js';
import { sanitizeField, sanitizeStderr } from './sanitize.js';
import type { DriverLimits } from './traffic.driver.js';

/**
 * The fixed delivery script (SPEC §3.3). `$1` thread directory, `$2` file name, `$3` mtime in
 * epoch seconds; the EML arrives on stdin. It writes a hidden temp file, stamps it, then links it
 * into place: a reader never sees a half-written .eml, and an existing file is never rewritten
 * (delivery is idempotent per Message-ID). Prints `exists` or `delivered`.
 */
export const EMAIL_DELIVERY_SCRIPT = [
  'set -eu',
  'dir=$1; name=$2; when=$3',
  'mkdir -p -- "$dir"',
  'if [ -e "$dir/$name" ]; then cat >/dev/null; echo exists; exit 0; fi',
  'tmp="$dir/.$name.$$.tmp"',
  'trap \'rm -f -- "$tmp"\' EXIT',
  'cat > "$tmp"',
  'touch -d "@$when" -- "$tmp"',
  // a hard link fails when the name exists: no clobbering even against a concurrent delivery
  'if ln -- "$tmp" "$dir/$name" 2>/dev/null; then echo delivered; elif [ -e "$dir/$name" ]; then echo exists; else exit 1; fi',
].join('\n');

/** Output the script may produce: one word, or error messages. */
export const DELIVERY_MAX_OUTPUT = 4096;

/** One delivery: EML bytes into `<spoolRoot>/<threadId>/<file>.eml` in `container`. */
export interface DeliveryRequest {
  /** `<name>-imap` or `<name>-pop3` (SPEC §3.3) */
  container: string;
  spoolRoot: string;
  threadId: string;
  /** with angle brackets; the file name derives from it */
  messageId: string;
  /** the Date header's instant; the file mtime, to the second */
  sentAt: Date;
  eml: Uint8Array;
}

/** What a delivery did; never an exception. */
interface DeliveryOutcome {
  success: boolean;
  container: string;
  /** the path written (or that would have been); '' when refused before a path existed */
  emlPath: string;
  bytes: number;
  /** null when refused before any exec */
  rc: number | null;
  /** a file with this Message-ID was already there and was left alone */
  existed: boolean;
  stderr?: string;
  durationMs: number;
  timedOut?: boolean;
  truncated?: boolean;
}

/** The exec of a delivery, or why it is refused (then nothing may be executed). */
export function buildDeliveryExec(
  req: DeliveryRequest,
  limits: DriverLimits = {},
): { ok: true; exec: ExecRequest; path: string } | { ok: false; reason: string } {
  if (!isContainerName(req.container)) return { ok: false, reason: 'refused: invalid mail container name' };
  if (!isSafeThreadId(req.threadId)) return { ok: false, reason: 'refused: unsafe thread id' };
  let path: string;
  let file: string;
  try {
    path = emlPath(req.spoolRoot, req.threadId, req.messageId);
    file = emlFileName(req.messageId);
  } catch (err) {
    return { ok: false, reason: `refused: ${(err as Error).message}` };
  }
  const secs = Math.floor(req.sentAt.getTime() / 1000);
  if (!Number.isSafeInteger(secs) || secs < 0) return { ok: false, reason: 'refused: invalid Date' };
  const dir = path.slice(0, path.length - file.length - 1);
  return {
    ok: true,
    path,
    exec: {
      container: req.container,
      argv: ['sh', '-c', EMAIL_DELIVERY_SCRIPT, 'sh', dir, file, String(secs)],
      stdin: req.eml,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes ?? DELIVERY_MAX_OUTPUT,
    },
  };
}

/** Delivers one EML on `docker` (the mail decky's host); never throws. */
export async function runEmailDelivery(docker: DockerPort, req: DeliveryRequest, limits: DriverLimits = {}): Promise<DeliveryOutcome> {
  const bytes = req.eml.byteLength;
  const container = sanitizeField(String(req.container), 200);
  const built = buildDeliveryExec(req, limits);
  if (!built.ok) {
    return { success: false, container, emlPath: '', bytes, rc: null, existed: false, stderr: built.reason, durationMs: 0 };
  }
  const res = await execSafely(docker, built.exec);
  const word = res.stdout.trim();
  const success = res.rc === 0 && !res.timedOut && !res.truncated && (word === 'delivered' || word === 'exists');
  const out: DeliveryOutcome = {
    success,
    container,
    emlPath: built.path,
    bytes,
    rc: res.rc,
    existed: success && word === 'exists',
    durationMs: res.durationMs,
  };
  if (!success) out.stderr = sanitizeStderr(res.stderr || (res.rc === 0 ? `unexpected output: ${word}` : ''));
  if (res.timedOut) out.timedOut = true;
  if (res.truncated) out.truncated = true;
  return out;
}
