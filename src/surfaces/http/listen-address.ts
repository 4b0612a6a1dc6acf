/** Where the HTTP API listens. */
interface ListenAddress {
  host: string;
  port: number;
}

/** Loopback, the default when `--http` is given a bare port. */
const DEFAULT_HTTP_HOST = '127.0.0.1';

/** Parses `--http [HOST:]PORT` (`8080`, `0.0.0.0:8080`, `[::1]:8080`); throws with the reason. */
export function parseListenAddress(spec: string): ListenAddress {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(spec.trim());
  if (!m) throw new Error(`invalid --http ${JSON.stringify(spec)}: expected [HOST:]PORT`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid --http port ${port}: expected 0..65535`);
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : DEFAULT_HTTP_HOST;
  return { host, port };
}
