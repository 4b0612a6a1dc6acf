import { type Stats, accessSync, constants, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log/logger.port.js';
import { type Persona, parsePersonaPool } from '../../domain/persona.js';

/** Environment variables naming the host-wide pool file, first set wins: DECNET 1.2's name, then the seed's (SPEC §6.2). */
const POOL_ENVS = ['DECNET_REALISM_PERSONAS', 'DECNET_EMAILGEN_PERSONAS'] as const;
/** System-wide pool directory, used when its pool file exists or it is writable (SPEC §6.2, DECNET's rule). */
const ETC_POOL_DIR = '/etc/decnet';
/** File name of the pool inside its directory. */
const POOL_FILE = 'email_personas.json';

/** The slice of the file system the pool needs; node:fs by default, injectable in tests. */
export interface PoolFs {
  exists(path: string): boolean;
  /** true when this process may create files in the directory `path` (access(2) W_OK) */
  writable(path: string): boolean;
  stat(path: string): Promise<Pick<Stats, 'mtimeMs' | 'size' | 'ino'>>;
  readFile(path: string): Promise<string>;
}

/** Where the pool file is looked for. */
export interface PoolLocation {
  env?: NodeJS.ProcessEnv;
  homedir?: string;
  /** defaults to /etc/decnet; tests point it into a tmp dir */
  etcDir?: string;
  fs?: PoolFs;
}

const nodeFs: PoolFs = {
  exists: (p) => existsSync(p),
  writable: (p) => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  stat: (p) => stat(p),
  readFile: (p) => readFile(p, 'utf8'),
};

/**
 * Resolves the pool path in DECNET's order: $DECNET_REALISM_PERSONAS, $DECNET_EMAILGEN_PERSONAS,
 * /etc/decnet/email_personas.json when that file exists or /etc/decnet is a writable directory,
 * else ~/.decnet/email_personas.json. Blank variables count as unset.
 */
export function resolvePoolPath(loc: PoolLocation = {}): string {
  const env = loc.env ?? process.env;
  const fs = loc.fs ?? nodeFs;
  for (const name of POOL_ENVS) {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return fromEnv;
  }
  const etcDir = loc.etcDir ?? ETC_POOL_DIR;
  const etcFile = join(etcDir, POOL_FILE);
  // a read-only /etc/decnet (ProtectSystem=full, a dev box) holds no pool yet and could not take one
  if (fs.exists(etcFile) || (fs.exists(etcDir) && fs.writable(etcDir))) return etcFile;
  return join(loc.homedir ?? homedir(), '.decnet', POOL_FILE);
}

/** Options of the host-wide pool. */
interface PersonaPoolOptions extends PoolLocation {
  logger: Logger;
  /** language of personas whose language is null; the pool has no topology, so `en` by default */
  languageDefault?: string;
}

interface CacheEntry {
  key: string;
  personas: Persona[];
}

/** The host-wide persona pool for fleet and shard deckies, re-read only when its file changes. */
export class PersonaPool {
  private cache: CacheEntry | undefined;
  private lastProblem: string | undefined;
  private readonly fs: PoolFs;

  constructor(private readonly opts: PersonaPoolOptions) {
    this.fs = opts.fs ?? nodeFs;
  }

  /** The path the pool is read from now (the environment and /etc may change between calls). */
  path(): string {
    return resolvePoolPath({ ...this.opts, fs: this.fs });
  }

  /** Valid personas of the pool; a missing or unreadable file is an empty pool, never dummies. */
  async load(): Promise<Persona[]> {
    const path = this.path();
    let key: string;
    try {
      const st = await this.fs.stat(path);
      // mtime is the contract; size and inode also catch same-second rewrites and atomic renames
      key = `${path}\0${st.mtimeMs}\0${st.size}\0${st.ino}`;
    } catch (err) {
      return this.empty(path, `persona pool missing or unreadable: ${reason(err)}`);
    }
    if (this.cache?.key === key) return this.cache.personas;
    let raw: unknown;
    try {
      raw = JSON.parse(await this.fs.readFile(path));
    } catch (err) {
      return this.empty(path, `persona pool unreadable: ${reason(err)}`);
    }
    const { personas, warnings } = parsePersonaPool(raw, { languageDefault: this.opts.languageDefault ?? 'en' });
    for (const w of warnings) this.opts.logger.warn({ path, warning: w }, 'persona pool entry dropped');
    this.opts.logger.info({ path, personas: personas.length, dropped: warnings.length }, 'persona pool loaded');
    this.cache = { key, personas };
    this.lastProblem = undefined;
    return personas;
  }

  // warn once per distinct problem, not on every tick
  private empty(path: string, problem: string): Persona[] {
    this.cache = undefined;
    if (this.lastProblem !== `${path}\0${problem}`) {
      this.opts.logger.warn({ path }, `${problem}; the pool is empty`);
      this.lastProblem = `${path}\0${problem}`;
    }
    return [];
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}
