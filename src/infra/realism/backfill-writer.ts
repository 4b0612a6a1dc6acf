import type { DockerPort, ExecRequest } from '../docker/docker.port.js';
import { execSafely } from '../drivers/exec-safely.js';
import { sanitizeStderr } from '../drivers/sanitize.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import { filePathProblem, isDeckyName } from '../drivers/validate.js';
import { isLogin } from '../../machines/realism/user-name.js';

/**
 * The fixed write script. `$1` path, `$2` mtime as `@<epoch seconds>`, `$3` step, `$4` optional
 * owner; the body arrives on stdin, one chunk per exec. `put` writes a whole file; `begin`, `add`,
 * `commit` write one in chunks; `abort` drops a half-written one. The body goes to a hidden
 * `.partial` file beside the target, which is stamped, handed to its owner (when that login
 * exists on the decky) and renamed into place, so a reader never sees a half-written file.
 */
export const BACKFILL_SCRIPT = [
  'set -eu',
  'p=$1; when=$2; step=$3; owner=""; if [ $# -ge 4 ]; then owner=$4; fi',
  'd=$(dirname -- "$p"); s="$d/.$(basename -- "$p").partial"',
  'case $step in put|commit|abort) trap \'rm -f -- "$s"\' EXIT ;; esac',
  'case $step in',
  '  put|begin) mkdir -p -- "$d"; rm -f -- "$s"; cat > "$s" ;;',
  '  add|commit) [ -f "$s" ] || { echo "no partial file" >&2; exit 3; }; cat >> "$s" ;;',
  '  abort) exit 0 ;;',
  '  *) echo "unknown step" >&2; exit 2 ;;',
  'esac',
  'case $step in put|commit)',
  '  if [ -d "$p" ]; then echo "target is a directory" >&2; exit 4; fi',
  '  touch -d "$when" -- "$s"',
  '  if [ -n "$owner" ] && id -u -- "$owner" >/dev/null 2>&1; then chown -- "$owner:" "$s" 2>/dev/null || true; fi',
  '  mv -f -- "$s" "$p" ;;',
  'esac',
].join('\n');

/**
 * The fixed settle script: each directory given (deepest first) takes the mtime of its newest
 * entry, so directories created or touched by a backfill do not all read "now".
 */
export const SETTLE_SCRIPT = [
  'for d in "$@"; do',
  '  [ -d "$d" ] || continue',
  "  n=$(find \"$d\" -mindepth 1 -maxdepth 1 -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1)",
  '  if [ -n "$n" ]; then touch -d "@$n" -- "$d" 2>/dev/null || true; fi',
  'done',
].join('\n');

/** Bytes of body per exec: large bodies are streamed over several execs' stdin, never argv. */
export const CHUNK_BYTES = 48 * 1024;
/** Directories settled per exec. */
export const SETTLE_BATCH = 64;
/** Output either script may produce (error messages only). */
export const WRITER_MAX_OUTPUT = 4096;
// where the planner writes; anything else is refused even if the path is otherwise valid
const ROOTS = ['/home/', '/root/', '/var/log/', '/var/cache/', '/etc/cron.d/', '/tmp/', '/var/tmp/', '/opt/', '/srv/'];

/** One file of a decky's past. */
export interface BackfillFile {
  path: string;
  body: string;
  mtime: Date;
  /** login that should own the file, when it exists on the decky */
  owner?: string;
}

/** What one file write did; never an exception. */
export interface BackfillWriteOutcome {
  path: string;
  success: boolean;
  /** rc of the failing exec (or the last one); null when refused before any exec */
  rc: number | null;
  execs: number;
  stderr?: string;
}

/** Why a backfill may not write `path` (driver rules plus: a planner root, no product name), or undefined. */
export function backfillPathProblem(path: string): string | undefined {
  const problem = filePathProblem(path);
  if (problem) return problem;
  if (!ROOTS.some((r) => path.startsWith(r))) return 'path is outside the directories a backfill writes';
  if (/decnet/i.test(path)) return 'path names the product';
  return undefined;
}

/** The execs that write one file, or why nothing may be executed. */
export function buildBackfillExecs(
  deckyName: string,
  file: BackfillFile,
  limits: DriverLimits = {},
): { ok: true; execs: ExecRequest[] } | { ok: false; reason: string } {
  if (!isDeckyName(deckyName)) return { ok: false, reason: 'refused: invalid decky name' };
  const problem = backfillPathProblem(file.path);
  if (problem) return { ok: false, reason: `refused: ${problem}` };
  if (/decnet/i.test(file.body)) return { ok: false, reason: 'refused: body names the product' };
  const secs = Math.floor(file.mtime.getTime() / 1000);
  if (!Number.isFinite(secs) || secs < 0) return { ok: false, reason: 'refused: invalid mtime' };
  if (file.owner !== undefined && !isLogin(file.owner)) return { ok: false, reason: 'refused: invalid owner' };
  const bytes = Buffer.from(file.body, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) parts.push(bytes.subarray(i, i + CHUNK_BYTES));
  if (parts.length === 0) parts.push(Buffer.alloc(0));
  const steps = parts.length === 1 ? ['put'] : parts.map((_, i) => (i === 0 ? 'begin' : i === parts.length - 1 ? 'commit' : 'add'));
  const execs = parts.map((stdin, i) => ({
    container: `${deckyName}-ssh`,
    argv: ['sh', '-c', BACKFILL_SCRIPT, 'sh', file.path, `@${secs}`, steps[i]!, ...(file.owner ? [file.owner] : [])],
    stdin,
    timeoutMs: limits.timeoutMs,
    maxOutputBytes: limits.maxOutputBytes ?? WRITER_MAX_OUTPUT,
  }));
  return { ok: true, execs };
}

/** Writes one file with its mtime in `<deckyName>-ssh`; on a failed chunk the partial file is dropped. */
export async function writeBackfillFile(docker: DockerPort, deckyName: string, file: BackfillFile, limits: DriverLimits = {}): Promise<BackfillWriteOutcome> {
  const built = buildBackfillExecs(deckyName, file, limits);
  if (!built.ok) return { path: file.path, success: false, rc: null, execs: 0, stderr: built.reason };
  let n = 0;
  for (const exec of built.execs) {
    n += 1;
    const res = await execSafely(docker, exec);
    if (res.rc !== 0 || res.timedOut || res.truncated) {
      if (built.execs.length > 1) await execSafely(docker, { ...exec, argv: [...exec.argv.slice(0, 6), 'abort'], stdin: Buffer.alloc(0) });
      return { path: file.path, success: false, rc: res.rc, execs: n, stderr: sanitizeStderr(res.stderr || (res.timedOut ? 'timed out' : 'output cap exceeded')) };
    }
  }
  return { path: file.path, success: true, rc: 0, execs: n };
}

/** Directories to settle after writing `paths`: every ancestor below `/`, deepest first, `/tmp` left alone. */
export function directoriesToSettle(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let d = p.slice(0, p.lastIndexOf('/')); d.split('/').length > 2; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
    // top-level containers such as /home get the newest entry's time too; / itself is left alone
    const top = p.split('/')[1];
    if (top && top !== 'tmp' && top !== 'var' && top !== 'etc') dirs.add(`/${top}`);
  }
  return [...dirs].filter((d) => !d.startsWith('/tmp') && !d.startsWith('/var/tmp')).sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
}

/** Settles the mtimes of the directories holding `paths`; never throws. */
export async function settleDirectories(docker: DockerPort, deckyName: string, paths: readonly string[], limits: DriverLimits = {}): Promise<{ success: boolean; stderr?: string }> {
  if (!isDeckyName(deckyName)) return { success: false, stderr: 'refused: invalid decky name' };
  const dirs = directoriesToSettle(paths.filter((p) => backfillPathProblem(p) === undefined));
  for (let i = 0; i < dirs.length; i += SETTLE_BATCH) {
    const res = await execSafely(docker, {
      container: `${deckyName}-ssh`,
      argv: ['sh', '-c', SETTLE_SCRIPT, 'sh', ...dirs.slice(i, i + SETTLE_BATCH)],
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes ?? WRITER_MAX_OUTPUT,
    });
    if (res.rc !== 0 || res.timedOut || res.truncated) return { success: false, stderr: sanitizeStderr(res.stderr || 'settle failed') };
  }
  return { success: true };
}
