import { posix } from 'node:path';
import { EmlError } from './eml-error.js';

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const SAFE_THREAD = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Spool file name of a message (SPEC §3.3): Message-ID without brackets, `@` → `_at_`, plus `.eml`; anything else is refused. */
export function emlFileName(messageId: string): string {
  const bare = messageId.startsWith('<') && messageId.endsWith('>') ? messageId.slice(1, -1) : messageId;
  const name = bare.replaceAll('@', '_at_');
  // no separators, no dot files, no `..`: the name is used inside a container's file system
  if (!SAFE_NAME.test(name)) throw new EmlError('EML_UNSAFE_PATH', `unsafe Message-ID for a file name: ${JSON.stringify(messageId)}`);
  return `${name}.eml`;
}

/** True for a thread id usable as a directory name (uuids and similar). */
export function isSafeThreadId(threadId: string): boolean {
  return SAFE_THREAD.test(threadId);
}

/** `<spoolRoot>/<threadId>/<file>.eml`; thread id and Message-ID are checked, never trusted. */
export function emlPath(spoolRoot: string, threadId: string, messageId: string): string {
  if (!spoolRoot.startsWith('/') || spoolRoot.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw new EmlError('EML_UNSAFE_PATH', `spool root must be an absolute path without . or ..: ${JSON.stringify(spoolRoot)}`);
  }
  if (!isSafeThreadId(threadId)) throw new EmlError('EML_UNSAFE_PATH', `unsafe thread id: ${JSON.stringify(threadId)}`);
  return posix.join(spoolRoot, threadId, emlFileName(messageId));
}
