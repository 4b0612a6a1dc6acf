import { accessSync, constants, readFileSync } from 'node:fs';
import {
  type Authenticator,
  type ConnectionOptions,
  credsAuthenticator,
  nkeyAuthenticator,
  nkeys,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from 'nats';
import { BusConfigError } from '../bus-config-error.js';
import type { NatsPlan } from '../nats-settings.js';

/** What a plan turns into for the `nats` client: servers, one authenticator, and TLS when required. */
type NatsConnectSecurity = Pick<ConnectionOptions, 'servers' | 'authenticator' | 'tls'>;

/**
 * Turns a plan into client options, reading the key files now so that an unreadable or malformed
 * file is one error at start naming its variable, not a retry loop. `tls: {}` with no files still
 * requires TLS with the system CAs: the client refuses a server that does not offer TLS and a
 * certificate it cannot verify.
 */
export function natsConnectSecurity(plan: NatsPlan, read: (path: string) => Buffer = readFileSync): NatsConnectSecurity {
  const out: NatsConnectSecurity = { servers: plan.servers };
  const authenticator = authenticatorFor(plan, read);
  if (authenticator) out.authenticator = authenticator;
  if (plan.tls) {
    const { caFile, certFile, keyFile } = plan.tls;
    checkReadable(caFile, 'DECNET_NATS_TLS_CA');
    checkReadable(certFile, 'DECNET_NATS_TLS_CERT');
    checkReadable(keyFile, 'DECNET_NATS_TLS_KEY');
    out.tls = { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) };
  }
  return out;
}

function authenticatorFor(plan: NatsPlan, read: (path: string) => Buffer): Authenticator | undefined {
  const a = plan.auth;
  if (a.kind === 'user') return usernamePasswordAuthenticator(a.user, a.password);
  if (a.kind === 'token') return tokenAuthenticator(a.token);
  if (a.kind === 'nkey') {
    const seed = readVar(a.seedFile, 'DECNET_NATS_NKEY_SEED_FILE', read).toString('utf8').trim();
    try {
      if (!seed.startsWith('SU')) throw new Error('not a user seed');
      nkeys.fromSeed(new TextEncoder().encode(seed));
    } catch {
      throw new BusConfigError(`DECNET_NATS_NKEY_SEED_FILE ${a.seedFile} does not hold a user nkey seed (SU…)`);
    }
    return nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (a.kind === 'creds') {
    const creds = readVar(a.file, 'DECNET_NATS_CREDS_FILE', read);
    const text = creds.toString('utf8');
    if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text)) {
      throw new BusConfigError(`DECNET_NATS_CREDS_FILE ${a.file} is not a NATS .creds file (user JWT and nkey seed)`);
    }
    return credsAuthenticator(new Uint8Array(creds));
  }
  return undefined;
}

function readVar(path: string, name: string, read: (path: string) => Buffer): Buffer {
  try {
    return read(path);
  } catch (err) {
    throw new BusConfigError(`${name} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function checkReadable(path: string | undefined, name: string): void {
  if (!path) return;
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new BusConfigError(`${name} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * One operator-facing line for a failed connection attempt: a refused login, a server without
 * TLS, or a certificate that does not verify each name the variable to look at.
 */
export function natsRefusalText(err: unknown): string {
  const e = err as { code?: string; message?: string; chainedError?: { message?: string; code?: string } };
  const msg = `${e.message ?? String(err)}`;
  const chained = e.chainedError?.message ?? '';
  if (e.code === 'AUTHORIZATION_VIOLATION' || /authorization violation|authentication/i.test(msg)) {
    return `NATS refused the credentials (${AUTH_HINT}): ${msg}`;
  }
  if (e.code === 'SERVER_OPT_NA' && msg === 'tls')
    return 'the NATS server does not offer TLS but TLS is required (tls:// or DECNET_NATS_TLS_*); refusing plaintext';
  if (e.code === 'TLS' || /certificate|self.signed|TLS/i.test(`${msg} ${chained}`)) {
    return `TLS with the NATS server failed: ${chained || msg}; set DECNET_NATS_TLS_CA to the CA that signed the server certificate`;
  }
  return msg;
}

const AUTH_HINT =
  'DECNET_BUS credentials, DECNET_NATS_USER/DECNET_NATS_PASSWORD, DECNET_NATS_TOKEN, DECNET_NATS_NKEY_SEED_FILE or DECNET_NATS_CREDS_FILE';
