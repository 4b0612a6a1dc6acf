import { isUserClass } from '../../machines/realism/content-class.js';
import { isLogin } from '../../machines/realism/user-name.js';
import type { DockerPort, ExecRequest } from '../../infra/docker/docker.port.js';
import type { DriverOutcome } from '../../domain/driver-outcome.js';
import { execSafely } from './exec-safely.js';
import { FILE_ACTION } from './file.driver.js';
import { sanitizeField, sanitizeStderr } from './sanitize.js';
import type { DriverLimits } from './traffic.driver.js';
import { filePathProblem, isDeckyName } from './validate.js';

/**
 * The fixed script for planned (human-looking) files, live and backfilled alike. `$1` path, `$2`
 * mtime as `@<epoch seconds>`, `$3` step, `$4` optional owner (may be empty), `$5` optional mode
 * of a new file; the body arrives on stdin, one
 * chunk per exec. `put` writes a whole file; `begin`, `add`, `commit` write one in chunks; `abort`
 * drops a half-written one. The body goes to a hidden `.partial` file beside the target, which
 * takes the target's owner and mode (an edit keeps them; a new file gets `$5`), then the owner's when that login exists
 * on the decky, is stamped and renamed into place, so a reader never sees a half-written file.
 * Directories it creates for an owner are that owner's too. In a directory a person owns, every
 * step runs as that person: a link they plant can never make root write, chown or chmod for them.
 */
export const PLANNED_FILE_SCRIPT = [
  'set -eu',
  'p=$1; when=$2; step=$3; owner=""; mode=""; if [ $# -ge 4 ]; then owner=$4; fi; if [ $# -ge 5 ]; then mode=$5; fi',
  'd=$(dirname -- "$p"); s="$d/.$(basename -- "$p").partial"',
  'if [ -n "$owner" ] && ! id -u -- "$owner" >/dev/null 2>&1; then owner=""; fi',
  't=$d; while [ ! -d "$t" ]; do t=$(dirname -- "$t"); done',
  'uid=$(stat -c %u -- "$t"); gid=$(stat -c %g -- "$t")',
  'as() { if [ "$uid" != 0 ]; then setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"; else "$@"; fi; }',
  'case $step in put|commit|abort) trap \'as rm -f -- "$s"\' EXIT ;; esac',
  'case $step in',
  '  put|begin)',
  '    if [ ! -d "$d" ]; then',
  '      c=$d; while [ "$(dirname -- "$c")" != "$t" ]; do c=$(dirname -- "$c"); done',
  '      as mkdir -p -- "$d"',
  '      if [ "$uid" = 0 ] && [ -n "$owner" ]; then chown -R -- "$owner:" "$c" 2>/dev/null || true; fi',
  '    fi',
  '    as rm -f -- "$s"; as dd of="$s" bs=64K oflag=nofollow conv=excl status=none ;;',
  '  add|commit) if [ ! -f "$s" ] || [ -L "$s" ]; then echo "no partial file" >&2; exit 3; fi',
  '    as dd of="$s" bs=64K oflag=append,nofollow conv=notrunc,nocreat status=none ;;',
  '  abort) exit 0 ;;',
  '  *) echo "unknown step" >&2; exit 2 ;;',
  'esac',
  'case $step in put|commit)',
  '  if [ -d "$p" ]; then echo "target is a directory" >&2; exit 4; fi',
  '  if [ -e "$p" ]; then as chown -h --reference="$p" -- "$s" 2>/dev/null || true; as chmod --reference="$p" -- "$s" 2>/dev/null || true;',
  '  elif [ -n "$mode" ]; then as chmod -- "$mode" "$s"; fi',
  '  if [ -n "$owner" ]; then as chown -h -- "$owner:" "$s" 2>/dev/null || true; fi',
  '  as touch -h -d "$when" -- "$s"',
  '  as mv -f -- "$s" "$p" ;;',
  'esac',
].join('\n');

/** Bytes of body per exec: large bodies are streamed over several execs' stdin, never argv. */
export const PLANNED_CHUNK_BYTES = 48 * 1024;
/** Largest planned body (a log before rotation stays far below). */
export const PLANNED_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** Output the script may produce (error messages only). */
const PLANNED_FILE_MAX_OUTPUT = 4096;
// where the planner writes; anything else is refused even if the path is otherwise valid
const ROOTS = ['/home/', '/root/', '/var/log/', '/var/cache/', '/etc/cron.d/', '/tmp/', '/var/tmp/', '/opt/', '/srv/'];
const PRODUCT = /decnet/i;

/** One planned file: its final body and mtime, and who owns it. */
interface PlannedFile {
  path: string;
  body: string;
  mtime: Date;
  /** login that should own the file (a user's file), when it exists on the decky; none for root's */
  owner?: string;
  /** octal mode of a new file (`0644`, `0600`, `0755`); an edit keeps the file's; none → the umask's */
  mode?: string;
}

/** What one planned write did; never an exception. */
interface PlannedWriteOutcome {
  path: string;
  success: boolean;
  /** rc of the failing exec (or the last one); null when refused before any exec */
  rc: number | null;
  execs: number;
  durationMs: number;
  stderr?: string;
  timedOut?: boolean;
  truncated?: boolean;
}

/** Who owns a planned file: its writer's login for a user's file (notes, todo, draft, script), nobody (root) for the machine's. */
export function plannedOwner(contentClass: string, login: string | undefined): string | undefined {
  return login !== undefined && login !== 'root' && isUserClass(contentClass) ? login : undefined;
}

/**
 * The mode a person's new file gets, as their tools would leave it: drafts are private (0600),
 * scripts in ~/bin executable (0755), notes and todos 0644; the machine's files keep the umask's.
 */
export function plannedMode(contentClass: string): string | undefined {
  if (!isUserClass(contentClass)) return undefined;
  return contentClass === 'draft' ? '0600' : contentClass === 'script' ? '0755' : '0644';
}

/** Why a planned file may not be written at `path` (driver rules plus: a planner root, no product name), or undefined. */
export function plannedPathProblem(path: string): string | undefined {
  const problem = filePathProblem(path);
  if (problem) return problem;
  if (!ROOTS.some((r) => path.startsWith(r))) return 'path is outside the directories a planned file is written to';
  if (PRODUCT.test(path)) return 'path names the product';
  return undefined;
}

/** The execs that write one planned file in `<deckyName>-ssh`, or why nothing may be executed. */
export function buildPlannedFileExecs(
  deckyName: string,
  file: PlannedFile,
  limits: DriverLimits = {},
): { ok: true; execs: ExecRequest[] } | { ok: false; reason: string } {
  if (!isDeckyName(deckyName)) return { ok: false, reason: 'refused: invalid decky name' };
  const problem = plannedPathProblem(file.path);
  if (problem) return { ok: false, reason: `refused: ${problem}` };
  if (PRODUCT.test(file.body)) return { ok: false, reason: 'refused: body names the product' };
  const secs = Math.floor(file.mtime.getTime() / 1000);
  if (!Number.isFinite(secs) || secs < 0) return { ok: false, reason: 'refused: invalid mtime' };
  if (file.owner !== undefined && !isLogin(file.owner)) return { ok: false, reason: 'refused: invalid owner' };
  if (file.mode !== undefined && !/^0[0-7]{3}$/.test(file.mode)) return { ok: false, reason: 'refused: invalid mode' };
  const bytes = Buffer.from(file.body, 'utf8');
  if (bytes.length > PLANNED_FILE_MAX_BYTES) return { ok: false, reason: 'refused: body is too large' };
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += PLANNED_CHUNK_BYTES) parts.push(bytes.subarray(i, i + PLANNED_CHUNK_BYTES));
  if (parts.length === 0) parts.push(Buffer.alloc(0));
  const steps = parts.length === 1 ? ['put'] : parts.map((_, i) => (i === 0 ? 'begin' : i === parts.length - 1 ? 'commit' : 'add'));
  const execs = parts.map((stdin, i) => ({
    container: `${deckyName}-ssh`,
    argv: [
      'sh',
      '-c',
      PLANNED_FILE_SCRIPT,
      'sh',
      file.path,
      `@${secs}`,
      steps[i]!,
      ...(file.owner || file.mode ? [file.owner ?? ''] : []),
      ...(file.mode ? [file.mode] : []),
    ],
    stdin,
    timeoutMs: limits.timeoutMs,
    maxOutputBytes: limits.maxOutputBytes ?? PLANNED_FILE_MAX_OUTPUT,
  }));
  return { ok: true, execs };
}

/** Writes one planned file with its mtime and owner in `<deckyName>-ssh`; a failed chunk drops the partial file. */
export async function writePlannedFile(
  docker: DockerPort,
  deckyName: string,
  file: PlannedFile,
  limits: DriverLimits = {},
): Promise<PlannedWriteOutcome> {
  const built = buildPlannedFileExecs(deckyName, file, limits);
  if (!built.ok) return { path: file.path, success: false, rc: null, execs: 0, durationMs: 0, stderr: built.reason };
  let n = 0;
  let durationMs = 0;
  for (const exec of built.execs) {
    n += 1;
    const res = await execSafely(docker, exec);
    durationMs += res.durationMs;
    if (res.rc !== 0 || res.timedOut || res.truncated) {
      if (built.execs.length > 1) await execSafely(docker, { ...exec, argv: [...exec.argv.slice(0, 6), 'abort'], stdin: Buffer.alloc(0) });
      return {
        path: file.path,
        success: false,
        rc: res.rc,
        execs: n,
        durationMs,
        stderr: sanitizeStderr(res.stderr || (res.timedOut ? 'timed out' : 'output cap exceeded')),
        ...(res.timedOut ? { timedOut: true } : {}),
        ...(res.truncated ? { truncated: true } : {}),
      };
    }
  }
  return { path: file.path, success: true, rc: 0, execs: n, durationMs };
}

/** A planned write as a §3.2 file event (dst, path, bytes, rc, duration, stderr on failure, chunks when several). */
export async function runPlannedFile(
  docker: DockerPort,
  deckyName: string,
  file: PlannedFile,
  limits: DriverLimits = {},
): Promise<DriverOutcome<'file'>> {
  const out = await writePlannedFile(docker, deckyName, file, limits);
  const payload: Record<string, unknown> = {
    dst_decky: sanitizeField(String(deckyName), 128),
    path: sanitizeField(String(file.path), 512),
    bytes: Buffer.byteLength(file.body),
    rc: out.rc,
    // DECNET's worker writes stderr always, null on success
    stderr: out.success ? null : (out.stderr ?? `rc ${out.rc}`),
  };
  if (out.execs > 0) payload.duration_ms = out.durationMs;
  const chunks = Math.ceil(Buffer.byteLength(file.body) / PLANNED_CHUNK_BYTES);
  if (chunks > 1) payload.chunks = chunks;
  if (file.owner) payload.owner = file.owner;
  if (out.timedOut) payload.timed_out = true;
  if (out.truncated) payload.truncated = true;
  return { kind: 'file', action: FILE_ACTION, success: out.success, payload };
}
