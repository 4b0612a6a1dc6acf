import { isMysqlUrl } from '../store/store-target.js';
import { ConfigError } from './config-error.js';

/** The database variables DECNET reads (DECNET-COMPAT §2), plus the project's `DECNET_DB` shorthand. */
interface DbEnv {
  DECNET_DB?: string;
  DECNET_DB_TYPE?: string;
  DECNET_DB_PATH?: string;
  DECNET_DB_URL?: string;
  DECNET_DB_HOST?: string;
  DECNET_DB_PORT?: string;
  DECNET_DB_NAME?: string;
  DECNET_DB_USER?: string;
  DECNET_DB_PASSWORD?: string;
  DECNET_TESTING?: string;
}

const set = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/**
 * The store target as DECNET would pick it: `DECNET_DB` when set (a file path, a `postgresql://`
 * or a `mysql://` URL) wins; else `DECNET_DB_TYPE` (`sqlite`, the default, or `mysql`). SQLite is
 * `DECNET_DB_PATH` or `sqliteDefault`; MySQL is `DECNET_DB_URL`, or a URL built from
 * `DECNET_DB_HOST`/`_PORT`/`_NAME`/`_USER`/`_PASSWORD` (the password required, as in DECNET,
 * unless `DECNET_TESTING=1`). A combination DECNET would silently ignore is a ConfigError naming
 * the variables; no message ever carries the password.
 */
export function resolveDbTarget(e: DbEnv, sqliteDefault: () => string): string {
  const shorthand = set(e.DECNET_DB);
  if (shorthand !== undefined) return e.DECNET_DB!;
  const type = (set(e.DECNET_DB_TYPE) ?? 'sqlite').toLowerCase();
  const url = set(e.DECNET_DB_URL);
  if (type === 'sqlite') {
    if (url !== undefined)
      throw new ConfigError('DECNET_DB_URL is set but DECNET_DB_TYPE is sqlite: set DECNET_DB_TYPE=mysql, or unset DECNET_DB_URL');
    return set(e.DECNET_DB_PATH) ?? sqliteDefault();
  }
  if (type !== 'mysql') throw new ConfigError(`invalid DECNET_DB_TYPE: expected sqlite or mysql, got ${JSON.stringify(type)}`);
  if (set(e.DECNET_DB_PATH) !== undefined)
    throw new ConfigError('DECNET_DB_PATH names a SQLite file but DECNET_DB_TYPE is mysql: unset one of them');
  if (url !== undefined) {
    if (!isMysqlUrl(url))
      throw new ConfigError('invalid DECNET_DB_URL: expected mysql://user:password@host:port/name (or mysql+asyncmy://…)');
    return url;
  }
  const password = e.DECNET_DB_PASSWORD ?? '';
  if (password === '' && e.DECNET_TESTING !== '1') {
    throw new ConfigError('DECNET_DB_PASSWORD is required with DECNET_DB_TYPE=mysql (or give DECNET_DB_URL)');
  }
  const portText = set(e.DECNET_DB_PORT) ?? '3306';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535)
    throw new ConfigError(`invalid DECNET_DB_PORT: expected 1-65535, got ${JSON.stringify(portText)}`);
  const host = set(e.DECNET_DB_HOST) ?? 'localhost';
  const name = set(e.DECNET_DB_NAME) ?? 'decnet';
  const user = set(e.DECNET_DB_USER) ?? 'decnet';
  const auth = password === '' ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `mysql://${auth}@${host.includes(':') ? `[${host}]` : host}:${port}/${encodeURIComponent(name)}`;
}
