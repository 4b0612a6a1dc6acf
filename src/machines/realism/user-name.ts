import type { Persona } from '../../domain/persona.js';
import type { FileAuthor } from './content-class.js';

const LOGIN = /^[a-z_][a-z0-9_-]{0,31}$/;

/** True for a login Debian's adduser would accept by default. */
export function isLogin(user: unknown): user is string {
  return typeof user === 'string' && LOGIN.test(user);
}

/**
 * The unix login a persona would have: `ann.keller@` → `akeller`, `bob@` → `bob`. Anything that
 * cannot make a valid login falls back to `user`.
 */
export function loginFor(email: string): string {
  const local = email.slice(0, Math.max(0, email.indexOf('@'))).toLowerCase();
  const words = local
    .split(/[._+-]+/)
    .map((w) => w.replace(/[^a-z0-9]/g, ''))
    .filter((w) => w.length > 0);
  let login = words.length >= 2 ? `${words[0]![0]}${words[words.length - 1]}` : (words[0] ?? '');
  if (/^[0-9]/.test(login)) login = `u${login}`;
  login = login.slice(0, 32);
  return isLogin(login) ? login : 'user';
}

/** A persona as the author of files in its home directory. */
export function authorForPersona(persona: Pick<Persona, 'email' | 'name'>): FileAuthor {
  return { user: loginFor(persona.email), name: persona.name, persona: persona.email.toLowerCase() };
}

/** The administrator account system files are written as when no persona owns the box. */
export const SYSTEM_AUTHOR: FileAuthor = { user: 'root', name: 'root' };
