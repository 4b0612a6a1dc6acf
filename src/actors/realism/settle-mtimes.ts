import { isContainerName } from '../../infra/docker/container-name.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import { execSafely } from '../drivers/exec-safely.js';
import { plannedPathProblem } from '../drivers/planned-file.driver.js';
import { sanitizeStderr } from '../drivers/sanitize.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import { isDeckyName } from '../drivers/validate.js';
import { isSafeThreadId } from '../../infra/mail/eml-path.js';

/**
 * The fixed settle script: each directory given (deepest first) takes the mtime of its newest
 * entry, so directories created or touched by a backfill do not all read "now".
 */
export const SETTLE_SCRIPT = [
  'for d in "$@"; do',
  '  [ -d "$d" ] || continue',
  '  n=$(find "$d" -mindepth 1 -maxdepth 1 -printf \'%T@\\n\' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1)',
  '  if [ -n "$n" ]; then touch -d "@$n" -- "$d" 2>/dev/null || true; fi',
  'done',
].join('\n');

/** Directories settled per exec. */
const SETTLE_BATCH = 64;
/** Output the settle script may produce (error messages only). */
const SETTLE_MAX_OUTPUT = 4096;

/** Directories to settle after writing `paths`: every ancestor below `/`, deepest first, `/tmp` left alone. */
export function directoriesToSettle(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let d = p.slice(0, p.lastIndexOf('/')); d.split('/').length > 2; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
    // top-level containers such as /home get the newest entry's time too; / itself is left alone
    const top = p.split('/')[1];
    if (top && top !== 'tmp' && top !== 'var' && top !== 'etc') dirs.add(`/${top}`);
  }
  return [...dirs]
    .filter((d) => !d.startsWith('/tmp') && !d.startsWith('/var/tmp'))
    .sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
}

/** Settles the mtimes of the directories holding `paths`; never throws. */
export async function settleDirectories(
  docker: DockerPort,
  deckyName: string,
  paths: readonly string[],
  limits: DriverLimits = {},
): Promise<{ success: boolean; stderr?: string }> {
  if (!isDeckyName(deckyName)) return { success: false, stderr: 'refused: invalid decky name' };
  return settleIn(docker, `${deckyName}-ssh`, directoriesToSettle(paths.filter((p) => plannedPathProblem(p) === undefined)), limits);
}

/**
 * Settles a mail spool after an email backfill: each thread directory, then the spool root,
 * takes its newest message's mtime, so the spool does not read "created now". Never throws.
 */
export async function settleSpool(
  docker: DockerPort,
  container: string,
  spoolRoot: string,
  threadIds: readonly string[],
  limits: DriverLimits = {},
): Promise<{ success: boolean; stderr?: string }> {
  if (!isContainerName(container)) return { success: false, stderr: 'refused: invalid container name' };
  const root = spoolRoot.replace(/\/+$/, '');
  if (!root.startsWith('/') || root.split('/').some((seg) => seg === '..' || seg === '.'))
    return { success: false, stderr: 'refused: unsafe spool root' };
  const dirs = threadIds.filter(isSafeThreadId).map((t) => `${root}/${t}`);
  return settleIn(docker, container, [...dirs, root], limits);
}

async function settleIn(
  docker: DockerPort,
  container: string,
  dirs: readonly string[],
  limits: DriverLimits,
): Promise<{ success: boolean; stderr?: string }> {
  for (let i = 0; i < dirs.length; i += SETTLE_BATCH) {
    const res = await execSafely(docker, {
      container,
      argv: ['sh', '-c', SETTLE_SCRIPT, 'sh', ...dirs.slice(i, i + SETTLE_BATCH)],
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes ?? SETTLE_MAX_OUTPUT,
    });
    if (res.rc !== 0 || res.timedOut || res.truncated) return { success: false, stderr: sanitizeStderr(res.stderr || 'settle failed') };
  }
  return { success: true };
}
