import { hasLoginShell, hasUsableHome, loginAccounts, type PasswdUser } from '../../domain/passwd.js';
import type { FileAuthor } from './content-class.js';

/**
 * The people who may write user files on a decky whose accounts are `users` (its passwd):
 * each author keeps their own login when the decky has it (with a usable home and a login
 * shell), the rest take the decky's unused login accounts (uid ≥ 1000) in uid order, as the
 * person behind that account. Authors left without an account write nothing; a decky without
 * login accounts has no user-file authors at all, so no `/home/<someone>` is ever invented.
 * Aligned with `authors`: undefined where an author got no account.
 */
export function placeAuthors(authors: readonly FileAuthor[], users: readonly PasswdUser[]): (FileAuthor | undefined)[] {
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const used = new Set<string>();
  const placed = new Map<number, FileAuthor>();
  authors.forEach((a, i) => {
    const own = byLogin.get(a.user);
    if (!own || own.uid === 0 || used.has(own.login) || !hasUsableHome(own) || !hasLoginShell(own)) return;
    used.add(own.login);
    placed.set(i, { ...a, home: own.home });
  });
  const free = loginAccounts(users).filter((u) => !used.has(u.login));
  authors.forEach((a, i) => {
    if (placed.has(i)) return;
    const account = free.shift();
    if (account) placed.set(i, { user: account.login, name: a.name, ...(a.persona ? { persona: a.persona } : {}), home: account.home });
  });
  return authors.map((_, i) => placed.get(i));
}

/** The decky's own login accounts as authors, for a decky no persona writes on. */
export function accountAuthors(users: readonly PasswdUser[]): FileAuthor[] {
  return loginAccounts(users).map((u) => ({ user: u.login, name: u.name || u.login, home: u.home }));
}
