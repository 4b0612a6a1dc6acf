import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../../src/infra/bus/impl/nats.js';
import type { NatsSecuritySettings } from '../../../src/infra/bus/nats-settings.js';
import type { Logger } from '../../../src/infra/log/logger.port.js';
import { NatsServer, requireNatsOrSkip } from '../../support/nats-server.js';

function recordingLogger() {
  const lines: { level: string; msg?: string }[] = [];
  const at = (level: string) => (_obj: unknown, msg?: string) => void lines.push({ level, ...(msg === undefined ? {} : { msg }) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error('condition not met in time');
  }
};

/** A bus on `url`; resolves with it once connected, or with the log lines once it has been refused. */
async function attempt(url: string, security: NatsSecuritySettings = {}) {
  const { logger, lines } = recordingLogger();
  const bus: NatsBus = createNatsBus({ url, security, logger, retryBaseMs: 100, retryMaxMs: 200 });
  const refusal = () => lines.find((l) => l.level === 'error' && l.msg?.startsWith('bus cannot connect to NATS'));
  await Promise.race([bus.whenConnected(), until(() => refusal() !== undefined)]);
  return { bus, lines, connected: bus.stats().connected, refusal: refusal()?.msg };
}

/** Publishes through `bus` and says whether a client with `watcherOpts` on the same server received it. */
async function roundTrip(bus: NatsBus, url: string, watcherOpts: Record<string, unknown>): Promise<boolean> {
  const w = await connect({ servers: url, ...watcherOpts });
  const got: string[] = [];
  w.subscribe('orchestrator.>', { callback: (_e, m) => got.push(m.subject) });
  await w.flush();
  bus.publish('orchestrator.file.local:web01', 'file.planted', { success: true });
  await until(() => got.length === 1, 5_000).catch(() => undefined);
  await w.close();
  return got.length === 1;
}

describe.runIf(requireNatsOrSkip())('NATS authentication against a real nats-server', () => {
  describe('with users and passwords', () => {
    let server: NatsServer;
    beforeAll(async () => {
      server = await NatsServer.start({ config: 'authorization { users = [ { user: daemon, password: "s3cr3t pass" } ] }\n' });
    });
    afterAll(() => server.dispose());
    const url = (creds = '') => `nats://${creds}127.0.0.1:${server.port}`;

    it('sends the credentials from the URL (they were dropped, and the server saw a CONNECT without a user)', async () => {
      const a = await attempt(url('daemon:s3cr3t%20pass@'));
      try {
        expect(a.connected).toBe(true);
        expect(await roundTrip(a.bus, url(), { user: 'daemon', pass: 's3cr3t pass' })).toBe(true);
      } finally {
        await a.bus.close();
      }
    });

    it('sends DECNET_NATS_USER and DECNET_NATS_PASSWORD', async () => {
      const a = await attempt(url(), { user: 'daemon', password: 's3cr3t pass' });
      await a.bus.close();
      expect(a.connected).toBe(true);
    });

    it('is refused without or with wrong credentials, in one error line naming the variables', async () => {
      for (const [u, s] of [[url(), {}] as const, [url(), { user: 'daemon', password: 'guess' }] as const]) {
        const a = await attempt(u, s);
        await a.bus.close();
        expect(a.connected).toBe(false);
        expect(a.refusal).toMatch(
          /^bus cannot connect to NATS: NATS refused the credentials \(.*DECNET_NATS_USER\/DECNET_NATS_PASSWORD.*\): .*Authorization Violation.*; retrying$/i,
        );
      }
    });
  });

  describe('with a token', () => {
    let server: NatsServer;
    beforeAll(async () => {
      server = await NatsServer.start({ config: 'authorization { token: "t0ken-value" }\n' });
    });
    afterAll(() => server.dispose());

    it('connects with DECNET_NATS_TOKEN or a token in the URL, and is refused without one', async () => {
      const url = `nats://127.0.0.1:${server.port}`;
      const withVar = await attempt(url, { token: 't0ken-value' });
      const inUrl = await attempt(`nats://t0ken-value@127.0.0.1:${server.port}`);
      const without = await attempt(url);
      await Promise.all([withVar.bus.close(), inUrl.bus.close(), without.bus.close()]);
      expect([withVar.connected, inUrl.connected, without.connected]).toEqual([true, true, false]);
      expect(without.refusal).toMatch(/NATS refused the credentials/);
    });
  });

  describe('with an nkey user', () => {
    const user = nkeys.createUser();
    const stranger = nkeys.createUser();
    const dir = mkdtempSync(join(tmpdir(), 'decnet-nkey-'));
    let server: NatsServer;
    beforeAll(async () => {
      writeFileSync(join(dir, 'daemon.nk'), `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
      writeFileSync(join(dir, 'stranger.nk'), new TextDecoder().decode(stranger.getSeed()), { mode: 0o600 });
      server = await NatsServer.start({ config: `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }\n` });
    });
    afterAll(async () => {
      await server.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('signs the server nonce with DECNET_NATS_NKEY_SEED_FILE; another key is refused', async () => {
      const url = `nats://127.0.0.1:${server.port}`;
      const ok = await attempt(url, { nkeySeedFile: join(dir, 'daemon.nk') });
      const wrong = await attempt(url, { nkeySeedFile: join(dir, 'stranger.nk') });
      await Promise.all([ok.bus.close(), wrong.bus.close()]);
      expect(ok.connected).toBe(true);
      expect(wrong.connected).toBe(false);
      expect(wrong.refusal).toMatch(/NATS refused the credentials/);
    });
  });

  describe('over TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'decnet-tls-'));
    const f = (n: string) => join(dir, n);
    let tlsServer: NatsServer;
    let plainServer: NatsServer;
    beforeAll(async () => {
      const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=decnet test CA',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
      );
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
      writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      ssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        'san.ext',
        '-out',
        'server.pem',
      );
      tlsServer = await NatsServer.start({
        config: `tls { cert_file: "${f('server.pem')}", key_file: "${f('server.key')}" }\nauthorization { token: "tls-token" }\n`,
      });
      plainServer = await NatsServer.start();
    });
    afterAll(async () => {
      await tlsServer.dispose();
      await plainServer.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('connects with DECNET_NATS_TLS_CA and publishes over TLS', async () => {
      const a = await attempt(`tls://127.0.0.1:${tlsServer.port}`, { token: 'tls-token', tlsCa: f('ca.pem') });
      try {
        expect(a.connected).toBe(true);
        expect(await roundTrip(a.bus, `127.0.0.1:${tlsServer.port}`, { token: 'tls-token', tls: { caFile: f('ca.pem') } })).toBe(true);
      } finally {
        await a.bus.close();
      }
    });

    it('refuses a certificate it cannot verify without the CA, in one line naming DECNET_NATS_TLS_CA', async () => {
      const a = await attempt(`tls://127.0.0.1:${tlsServer.port}`, { token: 'tls-token' });
      await a.bus.close();
      expect(a.connected).toBe(false);
      expect(a.refusal).toMatch(
        /^bus cannot connect to NATS: TLS with the NATS server failed: .*certificate.*; set DECNET_NATS_TLS_CA to the CA that signed the server certificate; retrying$/,
      );
      expect(a.refusal).not.toContain('\n');
      // the same refusal on every retry is not repeated at error level
      await new Promise((r) => setTimeout(r, 500));
      expect(a.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    });

    it('refuses a tls:// URL whose server speaks plaintext', async () => {
      const a = await attempt(`tls://127.0.0.1:${plainServer.port}`);
      await a.bus.close();
      expect(a.connected).toBe(false);
      expect(a.refusal).toBe(
        'bus cannot connect to NATS: the NATS server does not offer TLS but TLS is required (tls:// or DECNET_NATS_TLS_*); refusing plaintext; retrying',
      );
    });
  });
});
