import { nkeys } from 'nats';
import { describe, expect, it } from 'vitest';
import { BusConfigError, chooseBus } from '../../../src/infra/bus/bus.factory.js';
import { natsConnectSecurity } from '../../../src/infra/bus/impl/nats-connect.js';
import { isLoopbackHost, planNats } from '../../../src/infra/bus/nats-settings.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import { busOptionsOf } from '../../../src/surfaces/cli/bus-options.js';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BusConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a BusConfigError');
};

describe('planNats', () => {
  it('honours user and password in the URL and keeps them out of the server list', () => {
    const plan = planNats('nats://daemon:p%40ss@127.0.0.1:4222');
    expect(plan.auth).toEqual({ kind: 'user', user: 'daemon', password: 'p@ss', from: 'DECNET_BUS' });
    expect(plan.servers).toEqual(['127.0.0.1:4222']);
    expect(JSON.stringify(plan.servers)).not.toContain('p@ss');
  });

  it('reads a user alone in the URL as a token, as the nats tools do', () => {
    expect(planNats('nats://s3cr3t@localhost:4222').auth).toEqual({ kind: 'token', token: 's3cr3t', from: 'DECNET_BUS' });
  });

  it('takes one method from DECNET_NATS_* and refuses two as ambiguous', () => {
    expect(planNats('nats://127.0.0.1:1', { user: 'u', password: 'p' }).auth).toMatchObject({ kind: 'user', user: 'u' });
    expect(planNats('nats://127.0.0.1:1', { token: 't' }).auth).toMatchObject({ kind: 'token', token: 't' });
    expect(planNats('nats://127.0.0.1:1', { nkeySeedFile: '/k' }).auth).toEqual({ kind: 'nkey', seedFile: '/k' });
    expect(planNats('nats://127.0.0.1:1', { credsFile: '/c' }).auth).toEqual({ kind: 'creds', file: '/c' });
    expect(refused(() => planNats('nats://a:b@127.0.0.1:1', { token: 't' }))).toBe(
      'credentials in DECNET_BUS and DECNET_NATS_TOKEN both configure NATS authentication; set one',
    );
    expect(refused(() => planNats('nats://127.0.0.1:1', { user: 'u' }))).toBe('DECNET_NATS_USER is set without DECNET_NATS_PASSWORD');
    expect(refused(() => planNats('nats://a:b@127.0.0.1:1,nats://c:d@127.0.0.2:1'))).toMatch(/different credentials/);
  });

  it('requires TLS for tls:// or any TLS file, and cert and key together', () => {
    expect(planNats('nats://127.0.0.1:1').tls).toBeUndefined();
    expect(planNats('tls://127.0.0.1:1').tls).toEqual({});
    expect(planNats('nats://127.0.0.1:1', { tlsCa: '/ca.pem' }).tls).toEqual({ caFile: '/ca.pem' });
    expect(refused(() => planNats('tls://127.0.0.1:1', { tlsCert: '/c.pem' }))).toMatch(
      /DECNET_NATS_TLS_CERT and DECNET_NATS_TLS_KEY go together/,
    );
  });

  it('refuses a remote server without authentication or in plaintext, naming DECNET_NATS_INSECURE', () => {
    const noAuth = refused(() => planNats('tls://nats.example:4222'));
    expect(noAuth).toBe(
      'NATS server nats.example:4222 is not on this host and no authentication is configured; set DECNET_NATS_USER/DECNET_NATS_PASSWORD, DECNET_NATS_TOKEN, DECNET_NATS_NKEY_SEED_FILE or DECNET_NATS_CREDS_FILE, or DECNET_NATS_INSECURE=1 to connect anyway',
    );
    expect(noAuth).not.toContain('\n');
    expect(refused(() => planNats('nats://u:p@10.0.0.5:4222'))).toMatch(
      /10\.0\.0\.5:4222 .* would be reached in plaintext; use tls:\/\/ .* or DECNET_NATS_INSECURE=1/,
    );
    // one remote server among loopback ones is enough to refuse
    expect(refused(() => planNats('nats://127.0.0.1:4222,nats://10.0.0.5:4222'))).toMatch(/10\.0\.0\.5:4222/);
    expect(planNats('tls://u:p@nats.example:4222')).toMatchObject({ remote: ['nats.example:4222'], tls: {} });
    expect(planNats('nats://10.0.0.5:4222', { insecure: true })).toMatchObject({ insecure: true, auth: { kind: 'none' } });
  });

  it('treats 127.0.0.0/8, ::1 and localhost as this host, and nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]', '::1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['10.0.0.1', '128.0.0.1', '127.0.0.1.evil.com', 'localhost.evil.com', '0.0.0.0', '[::]', '127.0.0.256'])
      expect(isLoopbackHost(h), h).toBe(false);
    expect(() => planNats('nats://[::1]:4222')).not.toThrow();
  });

  it('is what chooseBus applies, from the environment', () => {
    const choose = (env: NodeJS.ProcessEnv) => chooseBus(busOptionsOf(loadConfig(env)));
    expect(() => choose({ DECNET_BUS: 'nats://10.0.0.5:4222' })).toThrow(/DECNET_NATS_INSECURE=1/);
    expect(choose({ DECNET_BUS: 'nats://10.0.0.5:4222', DECNET_NATS_INSECURE: '1' })).toEqual({
      kind: 'nats',
      url: 'nats://10.0.0.5:4222',
    });
    expect(choose({ DECNET_BUS: 'tls://nats:4222', DECNET_NATS_TOKEN: 't', DECNET_NATS_TLS_CA: '/ca.pem' })).toMatchObject({
      kind: 'nats',
    });
    expect(
      loadConfig({ DECNET_NATS_USER: 'u', DECNET_NATS_PASSWORD: 'p', DECNET_NATS_TLS_CA: ' /ca.pem ', DECNET_NATS_INSECURE: 'no' }).nats,
    ).toEqual({
      user: 'u',
      password: 'p',
      tlsCa: '/ca.pem',
      insecure: false,
    });
    expect(loadConfig({}).nats).toEqual({});
    expect(() => loadConfig({ DECNET_NATS_INSECURE: 'maybe' })).toThrow(/invalid DECNET_NATS_INSECURE/);
  });
});

describe('natsConnectSecurity', () => {
  const files = (map: Record<string, string>) => (path: string) => {
    if (!(path in map)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return Buffer.from(map[path] ?? '');
  };

  it('signs the server nonce with the nkey from DECNET_NATS_NKEY_SEED_FILE', () => {
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const sec = natsConnectSecurity(planNats('nats://127.0.0.1:1', { nkeySeedFile: '/seed' }), files({ '/seed': `${seed}\n` }));
    const auth = (sec.authenticator as unknown as (nonce?: string) => Record<string, string>)('nonce-1');
    expect(auth.nkey).toBe(user.getPublicKey());
    expect(user.verify(new TextEncoder().encode('nonce-1'), Buffer.from(auth.sig ?? '', 'base64url'))).toBe(true);
  });

  it('names the variable of a missing or malformed key file', () => {
    expect(refused(() => natsConnectSecurity(planNats('nats://127.0.0.1:1', { nkeySeedFile: '/nope' }), files({})))).toBe(
      'DECNET_NATS_NKEY_SEED_FILE /nope cannot be read: ENOENT',
    );
    expect(refused(() => natsConnectSecurity(planNats('nats://127.0.0.1:1', { nkeySeedFile: '/s' }), files({ '/s': 'SAxxx' })))).toMatch(
      /does not hold a user nkey seed/,
    );
    expect(refused(() => natsConnectSecurity(planNats('nats://127.0.0.1:1', { credsFile: '/c' }), files({ '/c': 'hello' })))).toMatch(
      /DECNET_NATS_CREDS_FILE \/c is not a NATS \.creds file/,
    );
    expect(refused(() => natsConnectSecurity(planNats('tls://127.0.0.1:1', { tlsCa: '/definitely/missing/ca.pem' })))).toMatch(
      /^DECNET_NATS_TLS_CA \/definitely\/missing\/ca\.pem cannot be read: ENOENT$/,
    );
  });

  it('sends the JWT and signs the nonce with the seed of DECNET_NATS_CREDS_FILE (wiring only: no operator-mode server here)', () => {
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln';
    const creds = `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
    const sec = natsConnectSecurity(planNats('nats://127.0.0.1:1', { credsFile: '/u.creds' }), files({ '/u.creds': creds }));
    const auth = (sec.authenticator as unknown as (nonce?: string) => Record<string, string>)('n2');
    expect(auth.jwt).toBe(jwt);
    expect(user.verify(new TextEncoder().encode('n2'), Buffer.from(auth.sig ?? '', 'base64url'))).toBe(true);
  });

  it('asks the client for TLS with the given files, and for no TLS on a plain local URL', () => {
    expect(natsConnectSecurity(planNats('nats://u:p@127.0.0.1:4222'))).toEqual({
      servers: ['127.0.0.1:4222'],
      authenticator: expect.any(Function),
    });
    expect(natsConnectSecurity(planNats('tls://127.0.0.1:4222', { tlsCa: '/etc/hostname' })).tls).toEqual({ caFile: '/etc/hostname' });
    expect(natsConnectSecurity(planNats('tls://127.0.0.1:4222')).tls).toEqual({});
  });
});
