/** Where the store lives: a SQLite file, or a PostgreSQL database shared by several daemons. */
type StoreTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgresql'; url: string };

const PG_SCHEMES = ['postgresql://', 'postgres://'];

/** Reads `DECNET_DB`: a `postgresql://` (or `postgres://`) URL, else a SQLite file path. */
export function parseStoreTarget(db: string): StoreTarget {
  const lower = db.trim().toLowerCase();
  return PG_SCHEMES.some((s) => lower.startsWith(s)) ? { dialect: 'postgresql', url: db.trim() } : { dialect: 'sqlite', path: db };
}

/** The target for logs: a URL loses its password, a path is shown as is. */
export function describeStoreTarget(db: string): string {
  const t = parseStoreTarget(db);
  if (t.dialect === 'sqlite') return t.path;
  try {
    const url = new URL(t.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgresql://(unparseable url)';
  }
}
