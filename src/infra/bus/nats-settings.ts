import { BusConfigError } from './bus-config-error.js';

/** The NATS security variables as the operator set them (DECNET_NATS_*); all optional. */
export interface NatsSecuritySettings {
  /** DECNET_NATS_USER (needs DECNET_NATS_PASSWORD) */
  user?: string;
  /** DECNET_NATS_PASSWORD */
  password?: string;
  /** DECNET_NATS_TOKEN */
  token?: string;
  /** DECNET_NATS_NKEY_SEED_FILE: a file holding a user nkey seed (`SU…`) */
  nkeySeedFile?: string;
  /** DECNET_NATS_CREDS_FILE: a `.creds` file (user JWT and seed, JWT operator mode) */
  credsFile?: string;
  /** DECNET_NATS_TLS_CA: PEM file of the CA that signed the server certificate */
  tlsCa?: string;
  /** DECNET_NATS_TLS_CERT: client certificate (mutual TLS), with DECNET_NATS_TLS_KEY */
  tlsCert?: string;
  /** DECNET_NATS_TLS_KEY */
  tlsKey?: string;
  /** DECNET_NATS_INSECURE=1: accept an unauthenticated or plaintext connection to a remote server */
  insecure?: boolean;
}

/** How the client proves who it is; exactly one kind per connection. */
type NatsAuth =
  | { kind: 'none' }
  | { kind: 'user'; user: string; password: string; from: string }
  | { kind: 'token'; token: string; from: string }
  | { kind: 'nkey'; seedFile: string }
  | { kind: 'creds'; file: string };

/** A NATS connection fully decided: servers without credentials, one authentication, TLS or not. */
export interface NatsPlan {
  /** `host:port` (IPv6 in brackets), credentials and scheme removed */
  servers: string[];
  auth: NatsAuth;
  /** set → TLS is required on every server (a plaintext server is refused); files are PEM paths */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** servers that are not loopback (127.0.0.0/8, ::1, localhost) */
  remote: string[];
  insecure: boolean;
}

const AUTH_VARS = 'DECNET_NATS_USER/DECNET_NATS_PASSWORD, DECNET_NATS_TOKEN, DECNET_NATS_NKEY_SEED_FILE or DECNET_NATS_CREDS_FILE';

/**
 * Decides a NATS connection from DECNET_BUS and the DECNET_NATS_* settings. Credentials in the URL
 * (`nats://user:pass@host`, `nats://token@host`) count as one method; two methods are refused as
 * ambiguous. `tls://` or any TLS file makes TLS mandatory. A remote server reached without
 * authentication or without TLS is refused unless `insecure` is set.
 */
export function planNats(url: string, s: NatsSecuritySettings = {}): NatsPlan {
  const parsed = url.split(',').map((raw) => parseServer(raw.trim()));
  const inUrl = new Set(parsed.filter((p) => p.user !== undefined).map((p) => `${p.user}\u0000${p.password ?? ''}`));
  if (inUrl.size > 1)
    throw new BusConfigError(
      'the servers in DECNET_BUS carry different credentials; give one set (or use DECNET_NATS_USER/DECNET_NATS_PASSWORD)',
    );
  const withCreds = parsed.find((p) => p.user !== undefined);

  const methods: { name: string; auth: NatsAuth }[] = [];
  if (withCreds) {
    const auth: NatsAuth =
      withCreds.password === undefined
        ? { kind: 'token', token: withCreds.user ?? '', from: 'DECNET_BUS' }
        : { kind: 'user', user: withCreds.user ?? '', password: withCreds.password, from: 'DECNET_BUS' };
    methods.push({ name: 'credentials in DECNET_BUS', auth });
  }
  const user = s.user?.trim() ? s.user : undefined;
  if (s.password && !user) throw new BusConfigError('DECNET_NATS_PASSWORD is set without DECNET_NATS_USER');
  if (user) {
    if (!s.password) throw new BusConfigError('DECNET_NATS_USER is set without DECNET_NATS_PASSWORD');
    methods.push({ name: 'DECNET_NATS_USER', auth: { kind: 'user', user, password: s.password, from: 'DECNET_NATS_USER' } });
  }
  if (s.token) methods.push({ name: 'DECNET_NATS_TOKEN', auth: { kind: 'token', token: s.token, from: 'DECNET_NATS_TOKEN' } });
  if (s.nkeySeedFile?.trim()) methods.push({ name: 'DECNET_NATS_NKEY_SEED_FILE', auth: { kind: 'nkey', seedFile: s.nkeySeedFile.trim() } });
  if (s.credsFile?.trim()) methods.push({ name: 'DECNET_NATS_CREDS_FILE', auth: { kind: 'creds', file: s.credsFile.trim() } });
  if (methods.length > 1)
    throw new BusConfigError(`${methods.map((m) => m.name).join(' and ')} both configure NATS authentication; set one`);
  const auth = methods[0]?.auth ?? { kind: 'none' };

  if (Boolean(s.tlsCert?.trim()) !== Boolean(s.tlsKey?.trim()))
    throw new BusConfigError('DECNET_NATS_TLS_CERT and DECNET_NATS_TLS_KEY go together; set both or neither');
  const files = { caFile: s.tlsCa?.trim() || undefined, certFile: s.tlsCert?.trim() || undefined, keyFile: s.tlsKey?.trim() || undefined };
  const wantsTls = parsed.some((p) => p.tls) || Object.values(files).some(Boolean);
  const tls = wantsTls ? Object.fromEntries(Object.entries(files).filter(([, v]) => v)) : undefined;

  const remote = parsed.filter((p) => !isLoopbackHost(p.host)).map((p) => p.hostPort);
  const insecure = s.insecure === true;
  if (remote.length > 0 && !insecure) {
    if (auth.kind === 'none') {
      throw new BusConfigError(
        `NATS server ${remote[0]} is not on this host and no authentication is configured; set ${AUTH_VARS}, or DECNET_NATS_INSECURE=1 to connect anyway`,
      );
    }
    if (!tls) {
      throw new BusConfigError(
        `NATS server ${remote[0]} is not on this host and would be reached in plaintext; use tls:// in DECNET_BUS (CA in DECNET_NATS_TLS_CA), or DECNET_NATS_INSECURE=1 to connect anyway`,
      );
    }
  }
  return { servers: parsed.map((p) => p.hostPort), auth, ...(tls ? { tls } : {}), remote, insecure };
}

/** True for 127.0.0.0/8, ::1 and localhost: a server on this host. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h.replace(/^::ffff:/, ''));
  return v4?.slice(1).every((o) => Number(o) <= 255) === true;
}

interface ParsedServer {
  host: string;
  hostPort: string;
  tls: boolean;
  user?: string;
  password?: string;
}

function parseServer(raw: string): ParsedServer {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new BusConfigError('DECNET_BUS holds a server that is not a URL; expected nats://host:4222 or tls://host:4222');
  }
  const scheme = u.protocol.toLowerCase();
  if (scheme !== 'nats:' && scheme !== 'tls:') throw new BusConfigError('DECNET_BUS servers must be nats:// or tls://');
  if (!u.hostname) throw new BusConfigError('DECNET_BUS holds a server without a host');
  const host = u.hostname;
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return {
    host,
    hostPort: `${host}:${u.port || '4222'}`,
    tls: scheme === 'tls:',
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}
