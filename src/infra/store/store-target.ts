/** Where the store lives: a SQLite file, or a PostgreSQL or MySQL/MariaDB database several daemons share. */
type StoreTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgresql'; url: string } | { dialect: 'mysql'; url: string };

const PG_SCHEMES = ['postgresql://', 'postgres://'];
// DECNET_DB_URL is a SQLAlchemy URL (`mysql+asyncmy://`); the driver part names Python's, not ours
const MYSQL_SCHEME = /^(mysql|mariadb)(\+[a-z0-9_]+)?:\/\//i;

/**
 * Reads `DECNET_DB`: a `postgresql://` (or `postgres://`) URL, a `mysql://` one (also `mariadb://`
 * and SQLAlchemy's `mysql+asyncmy://`, answered as `mysql://`), else a SQLite file path.
 */
export function parseStoreTarget(db: string): StoreTarget {
  const trimmed = db.trim();
  const lower = trimmed.toLowerCase();
  if (PG_SCHEMES.some((s) => lower.startsWith(s))) return { dialect: 'postgresql', url: trimmed };
  if (MYSQL_SCHEME.test(trimmed)) return { dialect: 'mysql', url: trimmed.replace(MYSQL_SCHEME, 'mysql://') };
  return { dialect: 'sqlite', path: db };
}

/** True when `url` names a MySQL/MariaDB database in a form parseStoreTarget accepts. */
export function isMysqlUrl(url: string): boolean {
  return MYSQL_SCHEME.test(url.trim());
}

// query parameters that carry a secret: password, sslpassword, passfile, pass, secret, token, key
const SECRET_PARAM = /pass|secret|token|key/i;

/** The target for logs: a URL loses its password (in the authority or a query parameter), a path is shown as is. */
export function describeStoreTarget(db: string): string {
  const t = parseStoreTarget(db);
  if (t.dialect === 'sqlite') return t.path;
  try {
    const url = new URL(t.url);
    if (url.password) url.password = '***';
    // libpq and the MySQL drivers also take secrets as query parameters (`?password=…`, `sslpassword`)
    for (const key of [...url.searchParams.keys()]) if (SECRET_PARAM.test(key)) url.searchParams.set(key, '***');
    return url.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return `${t.dialect}://(unparseable url)`;
  }
}
