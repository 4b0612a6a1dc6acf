import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
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

/** Validates FILE with the persona schema and writes the normalised list atomically to `dest` (SPEC §6.2). */
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
    await writeFileAtomic(dest, `${JSON.stringify(personas, null, 2)}\n`);
  } catch (err) {
    throw new PersonaImportError('unwritable', `cannot write ${dest}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return { path: dest, personas, warnings };
}

/** Writes `content` to a temporary file beside `path`, syncs it and renames it over `path`: readers see old or new, never half. */
export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', mode);
  try {
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
