import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { parseDecnetIni } from './decnet-ini.js';
import { parseEnvFile } from './env-file.js';

/** The env file the units name in EnvironmentFile=; `DECNET_ENV_FILE` points elsewhere, empty reads none. */
const DEFAULT_ENV_FILE = '/etc/decnet/decnet.env';
/** DECNET's INI file; `DECNET_CONFIG` points elsewhere (COMPAT §4). */
const DEFAULT_DECNET_CONFIG = '/etc/decnet/decnet.ini';

/** Reads a settings file: its text, undefined when it does not exist; any other failure throws. */
type SettingsReader = (path: string) => string | undefined;

/** What the settings files add to the environment. */
interface SettingsFromFiles {
  /** variables the environment did not have, to be set before anything reads it */
  vars: Record<string, string>;
  /** the files read, in order */
  read: string[];
  /** keys of DECNET's known INI sections that map to nothing (DECNET warns about these too) */
  unknownIniKeys: string[];
}

const nodeReader: SettingsReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/**
 * The settings the daemon's files add, in this order of precedence: the real environment, then
 * the env file the units read (`$DECNET_ENV_FILE`, default /etc/decnet/decnet.env), then DECNET's
 * INI (`$DECNET_CONFIG` from either, default /etc/decnet/decnet.ini; its `[database]` and `[bus]`
 * keys, as DECNET maps them). A missing file adds nothing; an unreadable or malformed one is one
 * ConfigError naming the file. Only variables absent from `env` are returned: the real env wins.
 */
export function settingsFromFiles(
  env: NodeJS.ProcessEnv,
  opts: { read?: SettingsReader; envFile?: string; decnetConfig?: string } = {},
): SettingsFromFiles {
  const read = opts.read ?? nodeReader;
  const vars: Record<string, string> = {};
  const files: string[] = [];
  const addMissing = (from: Record<string, string>) => {
    for (const [k, v] of Object.entries(from)) if (env[k] === undefined && vars[k] === undefined) vars[k] = v;
  };
  const envFile = env.DECNET_ENV_FILE ?? opts.envFile ?? DEFAULT_ENV_FILE;
  if (envFile.trim()) {
    const text = readOrThrow(read, envFile, 'DECNET_ENV_FILE');
    if (text !== undefined) {
      addMissing(parseEnvFile(text, envFile));
      files.push(envFile);
    }
  }
  const iniPath = (env.DECNET_CONFIG ?? vars.DECNET_CONFIG)?.trim() || opts.decnetConfig || DEFAULT_DECNET_CONFIG;
  const iniText = readOrThrow(read, iniPath, 'DECNET_CONFIG');
  let unknownIniKeys: string[] = [];
  if (iniText !== undefined) {
    const ini = parseDecnetIni(iniText, iniPath);
    addMissing(ini.vars);
    unknownIniKeys = ini.unknownKeys;
    files.push(iniPath);
  }
  return { vars, read: files, unknownIniKeys };
}

function readOrThrow(read: SettingsReader, path: string, variable: string): string | undefined {
  try {
    return read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const hint = code === 'EACCES' ? ` (run as the daemon's user, e.g. sudo -u decnet, or point ${variable} elsewhere)` : '';
    throw new ConfigError(`cannot read ${path}: ${code}${hint}`);
  }
}
