import { isIP } from 'node:net';
import { isContainerName } from '../../infra/docker/container-name.js';

/**
 * True when `name` can name the decky's containers: `<name>-<service>` must match the engine's
 * container-name grammar, so `;`, `$(…)`, quotes, spaces, newlines and `/` are all refused.
 */
export function isDeckyName(name: unknown): name is string {
  return typeof name === 'string' && isContainerName(`${name}-ssh`);
}

/** True for an IPv4 or IPv6 literal (no hostnames, no zone ids, no surrounding spaces). */
export function isIpLiteral(ip: unknown): ip is string {
  return typeof ip === 'string' && !ip.includes('%') && isIP(ip) !== 0;
}

/** Longest file path a file action may write. */
const MAX_PATH = 4096;

/**
 * Why `path` may not be written, or undefined when it may: it must be absolute, without NUL or
 * control characters and without `.`/`..` segments. Shell metacharacters are allowed: the path
 * travels as a positional argument and is never parsed by a shell.
 */
export function filePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH) return 'path is too long';
  if (!path.startsWith('/')) return 'path is not absolute';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'path contains control characters';
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'path contains . or .. segments';
  if (path.endsWith('/')) return 'path names a directory';
  return undefined;
}
