import type { RunningDecky } from '../../domain/decky.js';

/** A mail decky runs `imap` or `pop3` (SPEC §6.3); undecodable services are never eligible. */
export function isMailDecky(decky: Pick<RunningDecky, 'services'>): boolean {
  return !!decky.services && (decky.services.includes('imap') || decky.services.includes('pop3'));
}

/** The container mail is delivered into: `<name>-imap` when present, else `<name>-pop3` (SPEC §3.3). */
export function mailContainerName(decky: Pick<RunningDecky, 'name' | 'services'>): string | null {
  if (decky.services?.includes('imap')) return `${decky.name}-imap`;
  if (decky.services?.includes('pop3')) return `${decky.name}-pop3`;
  return null;
}
