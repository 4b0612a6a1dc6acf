/** One account of a decky's `/etc/passwd`, as far as it parsed. */
export interface PasswdUser {
  login: string;
  uid: number;
  gid: number;
  /** the GECOS full name (first comma field), '' when none */
  name: string;
  home: string;
  shell: string;
}

/** Most lines read of one passwd (a real one has a few dozen; a decky is attacker-controlled). */
export const PASSWD_MAX_LINES = 4096;
/** Longest line kept; longer ones are skipped whole. */
const MAX_LINE = 1024;
// Debian's adduser default: what a planner may ever pass to chown or put in a path
const LOGIN = /^[a-z_][a-z0-9_-]{0,31}$/;
const ID = /^\d{1,10}$/;
// an absolute path of plain segments: no `..`, no `.`, no controls, no spaces
const HOME = /^\/(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,63}\/){0,7}[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const SHELL = /^\/[A-Za-z0-9/._-]{1,127}$/;
// shells that mean "no login", as the distros ship them
const NO_LOGIN = /\/(nologin|false|sync|halt|shutdown|true)$/;
// homes that mean "no home"
const NO_HOME = new Set(['/', '/nonexistent', '/dev/null', '/bin', '/usr/sbin', '/sbin']);
/** Directories a planned user file may live under (the planned-file writer's roots). */
const HOME_ROOTS = ['/home/', '/srv/', '/opt/'];

/**
 * The accounts of a passwd file: `login:x:uid:gid:gecos:home:shell` lines, lenient and total.
 * A line that is too long, has the wrong field count, an odd login, id, home or shell, or a
 * login already seen is skipped; at most PASSWD_MAX_LINES lines are read. Never throws.
 */
export function parsePasswd(text: string): PasswdUser[] {
  const out: PasswdUser[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n', PASSWD_MAX_LINES);
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0 || line.length > MAX_LINE || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length !== 7) continue;
    const [login, , uid, gid, gecos, home, shell] = f as [string, string, string, string, string, string, string];
    if (!LOGIN.test(login) || seen.has(login) || !ID.test(uid) || !ID.test(gid)) continue;
    if (home !== '/' && !HOME.test(home)) continue;
    if (shell !== '' && !SHELL.test(shell)) continue;
    seen.add(login);
    out.push({ login, uid: Number(uid), gid: Number(gid), name: displayName(gecos), home, shell });
  }
  return out;
}

// the first GECOS field, printable only: it ends up in signatures
function displayName(gecos: string): string {
  return (gecos.split(',')[0] ?? '')
    .replace(/[^\p{L}\p{N} .'-]/gu, '')
    .trim()
    .slice(0, 64);
}

/** True when the account can log in: a shell that is not nologin/false (an empty one is /bin/sh). */
export function hasLoginShell(u: Pick<PasswdUser, 'shell'>): boolean {
  return u.shell === '' || !NO_LOGIN.test(u.shell);
}

/** True when the account's home is a real directory a planned file may be written under. */
export function hasUsableHome(u: Pick<PasswdUser, 'home'>): boolean {
  return !NO_HOME.has(u.home) && HOME_ROOTS.some((r) => u.home.startsWith(r)) && !u.home.split('/').includes('..');
}

/**
 * The people of a passwd: uid ≥ 1000 (not nobody's 65534), a login shell and a usable home, in
 * uid order. A decky without any has nobody whose home a user's file could go in.
 */
export function loginAccounts(users: readonly PasswdUser[]): PasswdUser[] {
  return users
    .filter((u) => u.uid >= 1000 && u.uid !== 65534 && u.uid < 4_000_000_000 && hasLoginShell(u) && hasUsableHome(u))
    .sort((a, b) => a.uid - b.uid);
}
