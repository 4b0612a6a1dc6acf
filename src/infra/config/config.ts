import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveDbTarget } from './db-target.js';
import { ConfigError } from './config-error.js';

const seconds = z.coerce.number().positive().finite();
const FLAG_WORDS = new Map([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['on', true],
  ['false', false],
  ['0', false],
  ['no', false],
  ['off', false],
]);

/** Environment the daemon reads; every value has a default (SPEC §6.6, §8). */
const EnvSchema = z.object({
  DECNET_DB: z.string().min(1).optional(),
  // DECNET's own database variables (COMPAT §2); db-target.ts resolves them, DECNET_DB first
  DECNET_DB_TYPE: z.string().optional(),
  DECNET_DB_PATH: z.string().optional(),
  DECNET_DB_URL: z.string().optional(),
  DECNET_DB_HOST: z.string().optional(),
  DECNET_DB_PORT: z.string().optional(),
  DECNET_DB_NAME: z.string().optional(),
  DECNET_DB_USER: z.string().optional(),
  DECNET_DB_PASSWORD: z.string().optional(),
  DECNET_TESTING: z.string().optional(),
  DECNET_EXEC_TIMEOUT: seconds.default(8),
  DECNET_EXEC_MAX_OUTPUT: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  DECNET_EVENTS_KEEP: z.coerce.number().int().positive().default(10_000),
  DECNET_EMAILS_KEEP: z.coerce.number().int().positive().default(5_000),
  DECNET_SPOOL_ROOT: z.string().startsWith('/').default('/var/spool/decnet-emails'),
  DECNET_RESYNC: seconds.default(30),
  DOCKER_HOST: z.string().optional(),
  // only containers carrying this extra label (`key=value`) are managed: one engine, many DECNETs
  DECNET_DOCKER_SCOPE: z
    .string()
    .regex(/^[A-Za-z0-9._-]+=[^\s=]+$/, 'expected key=value')
    .optional(),
  // bearer token for the HTTP API; required to bind anything but loopback (never a CLI flag: ps shows those)
  DECNET_HTTP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // `nats://host:4222` (comma-separated servers) publishes on NATS; unset → the in-process bus
  DECNET_BUS: z.string().min(1).optional(),
  // DECNET's own bus (COMPAT §3); which one is chosen is the bus factory's call
  DECNET_BUS_ENABLED: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === '' || FLAG_WORDS.has(v), 'expected one of true, false, 1, 0, yes, no, on, off')
    .optional(),
  DECNET_BUS_TYPE: z.string().optional(),
  DECNET_BUS_SOCKET: z.string().optional(),
  // NATS authentication (one method), TLS files, and the switch that accepts an unsafe remote server
  DECNET_NATS_USER: z.string().optional(),
  DECNET_NATS_PASSWORD: z.string().optional(),
  DECNET_NATS_TOKEN: z.string().optional(),
  DECNET_NATS_NKEY_SEED_FILE: z.string().optional(),
  DECNET_NATS_CREDS_FILE: z.string().optional(),
  DECNET_NATS_TLS_CA: z.string().optional(),
  DECNET_NATS_TLS_CERT: z.string().optional(),
  DECNET_NATS_TLS_KEY: z.string().optional(),
  DECNET_NATS_INSECURE: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === '' || FLAG_WORDS.has(v), 'expected one of true, false, 1, 0, yes, no, on, off')
    .optional(),
  // the local engine's deckies share a network with swarm hosts marked --shares-network (issue 6)
  DECNET_LOCAL_SHARES_NETWORK: z.enum(['0', '1', 'false', 'true']).optional(),
  XDG_STATE_HOME: z.string().optional(),
  STATE_DIRECTORY: z.string().optional(),
});

/** Resolved configuration shared by every command. */
export interface Config {
  /**
   * the store target: a SQLite file path, a `postgresql://` or a `mysql://` URL (may carry a password: log it through describeStoreTarget)
   */
  dbPath: string;
  execTimeoutMs: number;
  execMaxOutputBytes: number;
  eventsKeepPerDecky: number;
  emailsKeepPerDecky: number;
  spoolRoot: string;
  resyncMs: number;
  dockerHost?: string;
  /** extra `key=value` label a decky container must carry to be discovered */
  dockerScope?: string;
  httpToken?: string;
  /** DECNET_BUS; unset → in-process */
  busUrl?: string;
  /** DECNET_BUS_ENABLED; unset when not given */
  busEnabled?: boolean;
  /** DECNET_BUS_TYPE as given (`unix` selects DECNET's socket bus) */
  busType?: string;
  /** DECNET_BUS_SOCKET; unset → DECNET's default path */
  busSocket?: string;
  /** DECNET_NATS_*: authentication, TLS files, insecure switch (only what is set) */
  nats: NatsSecurityConfig;
  /** local deckies may exchange traffic with deckies of sharing swarm hosts */
  localSharesNetwork: boolean;
}

/** The DECNET_NATS_* variables, as the bus factory takes them. */
interface NatsSecurityConfig {
  user?: string;
  password?: string;
  token?: string;
  nkeySeedFile?: string;
  credsFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
}

/** Reads and validates configuration from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    dbPath: resolveDbTarget(e, () => defaultDbPath(e)),
    execTimeoutMs: Math.round(e.DECNET_EXEC_TIMEOUT * 1000),
    execMaxOutputBytes: e.DECNET_EXEC_MAX_OUTPUT,
    eventsKeepPerDecky: e.DECNET_EVENTS_KEEP,
    emailsKeepPerDecky: e.DECNET_EMAILS_KEEP,
    spoolRoot: e.DECNET_SPOOL_ROOT,
    resyncMs: Math.round(e.DECNET_RESYNC * 1000),
    dockerHost: e.DOCKER_HOST,
    dockerScope: e.DECNET_DOCKER_SCOPE,
    httpToken: e.DECNET_HTTP_TOKEN,
    busUrl: e.DECNET_BUS,
    busEnabled: e.DECNET_BUS_ENABLED ? FLAG_WORDS.get(e.DECNET_BUS_ENABLED) : undefined,
    busType: e.DECNET_BUS_TYPE?.trim() || undefined,
    busSocket: e.DECNET_BUS_SOCKET?.trim() || undefined,
    nats: natsSecurityOf(e),
    localSharesNetwork: e.DECNET_LOCAL_SHARES_NETWORK === '1' || e.DECNET_LOCAL_SHARES_NETWORK === 'true',
  };
}

function natsSecurityOf(e: z.infer<typeof EnvSchema>): NatsSecurityConfig {
  const set = (v: string | undefined) => (v !== undefined && v !== '' ? v : undefined);
  const all: NatsSecurityConfig = {
    user: set(e.DECNET_NATS_USER),
    password: set(e.DECNET_NATS_PASSWORD),
    token: set(e.DECNET_NATS_TOKEN),
    nkeySeedFile: set(e.DECNET_NATS_NKEY_SEED_FILE?.trim()),
    credsFile: set(e.DECNET_NATS_CREDS_FILE?.trim()),
    tlsCa: set(e.DECNET_NATS_TLS_CA?.trim()),
    tlsCert: set(e.DECNET_NATS_TLS_CERT?.trim()),
    tlsKey: set(e.DECNET_NATS_TLS_KEY?.trim()),
    insecure: e.DECNET_NATS_INSECURE ? FLAG_WORDS.get(e.DECNET_NATS_INSECURE) : undefined,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as NatsSecurityConfig;
}

// systemd's StateDirectory= sets STATE_DIRECTORY (/var/lib/decnet); elsewhere the XDG state dir.
function defaultDbPath(e: z.infer<typeof EnvSchema>): string {
  if (e.STATE_DIRECTORY) return join(e.STATE_DIRECTORY.split(':')[0]!, 'decnet.sqlite');
  const base = e.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'decnet', 'decnet.sqlite');
}
