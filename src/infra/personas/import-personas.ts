import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Persona, parsePersonaPool } from '../../domain/persona.js';

/** Why an import was refused; each maps to its own exit status in the command. */
export type ImportFailure = 'unreadable' | 'invalid-json' | 'not-a-list' | 'no-valid-persona' | 'unwritable';

/** An import that wrote nothing; the message is what the operator reads. */
export class PersonaImportError extends Error {
  constructor(
    readonly reason: ImportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PersonaImportError';
  }
}

/** What an import wrote. */
interface ImportResult {
  path: string;
  personas: Persona[];
  warnings: string[];
}

/** Mode of the written pool: personas name real-looking people and addresses, so not world-readable (issue 15). */
const POOL_FILE_MODE = 0o640;

/** Validates FILE with the persona schema and writes the normalised list atomically to `dest`, mode 0640 (SPEC §6.2). */
export async function importPersonas(file: string, dest: string, opts: { languageDefault: string }): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PersonaImportError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PersonaImportError('invalid-json', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw)) {
    throw new PersonaImportError('not-a-list', `${file} must hold a JSON list of personas, not ${raw === null ? 'null' : typeof raw}`);
  }
  const { personas, warnings } = parsePersonaPool(raw, { languageDefault: opts.languageDefault });
  if (personas.length === 0) {
    const detail = warnings.length > 0 ? `: ${warnings.join('; ')}` : ' (the list is empty)';
    throw new PersonaImportError('no-valid-persona', `${file} holds no valid persona${detail}`);
  }
  try {
    await writeFileAtomic(dest, `${JSON.stringify(personas, null, 2)}\n`, POOL_FILE_MODE, { exactMode: true, groupOfDir: true });
  } catch (err) {
    throw new PersonaImportError('unwritable', `cannot write ${dest}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return { path: dest, personas, warnings };
}

/**
 * Writes `content` to a temporary file beside `path`, syncs it and renames it over `path`: readers
 * see old or new, never half. The umask narrows `mode` unless `exactMode`; with `groupOfDir` the
 * file takes its directory's group, as in a setgid directory, so root importing into a
 * `root:decnet` /etc/decnet leaves a pool the daemon's group can read (best effort).
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  mode = 0o644,
  opts: { exactMode?: boolean; groupOfDir?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', mode);
  try {
    if (opts.exactMode) await fh.chmod(mode);
    if (opts.groupOfDir) {
      const { gid } = await stat(dir);
      // only root or a member of that group may do this; otherwise the file keeps the writer's group
      await fh.chown(-1, gid).catch(() => {});
    }
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // make the rename itself durable; not every file system lets a directory be synced
  const dh = await open(dir, 'r').catch(() => null);
  await dh?.sync().catch(() => {});
  await dh?.close();
}
