import type { DockerPort } from '../../infra/docker/docker.port.js';
import { type PasswdUser, parsePasswd } from '../../domain/passwd.js';
import type { RunningDecky } from '../../domain/decky.js';
import { isDeckyName } from '../drivers/validate.js';

/** Largest /etc/passwd read (a real one is a few KiB; a decky is attacker-controlled). */
const PASSWD_MAX_BYTES = 256 * 1024;
/** How long a decky's accounts are trusted before they are read again. */
const USERS_TTL_MS = 3 * 60_000;
/** Bound on one passwd read. */
const READ_TIMEOUT_MS = 5000;

/** A decky's accounts, or undefined when they could not be read (then nothing is known, not "nobody"). */
export type DeckyUsersOf = (docker: DockerPort, decky: Pick<RunningDecky, 'uuid' | 'name'>) => Promise<readonly PasswdUser[] | undefined>;

/**
 * The accounts of `<deckyName>-ssh`, from its /etc/passwd read through the Engine API's archive
 * download: no process runs in the decky. Undefined when the read fails or the port throws.
 */
export async function readDeckyUsers(
  docker: DockerPort,
  deckyName: string,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<readonly PasswdUser[] | undefined> {
  if (!isDeckyName(deckyName)) return undefined;
  try {
    const read = await docker.readFile(`${deckyName}-ssh`, '/etc/passwd', PASSWD_MAX_BYTES, { timeoutMs });
    return read.ok ? parsePasswd(read.content.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `readDeckyUsers` behind a per-decky cache: an answer is kept `ttlMs` (default 3 min), a failed
 * read is not kept, and concurrent asks for one decky share one read.
 */
export function cachedDeckyUsers(opts: { ttlMs?: number; now?: () => number } = {}): DeckyUsersOf {
  const ttl = opts.ttlMs ?? USERS_TTL_MS;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; users: Promise<readonly PasswdUser[] | undefined> }>();
  return (docker, decky) => {
    const hit = cache.get(decky.uuid);
    if (hit && now() - hit.at < ttl) return hit.users;
    const users = readDeckyUsers(docker, decky.name);
    cache.set(decky.uuid, { at: now(), users });
    void users.then((u) => {
      if (u === undefined && cache.get(decky.uuid)?.users === users) cache.delete(decky.uuid);
    });
    return users;
  };
}
