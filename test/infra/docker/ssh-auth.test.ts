import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerError } from '../../../src/infra/docker/docker-error.js';
import { isEncryptedKey, sshAuthFailure, sshAuthFrom } from '../../../src/infra/docker/ssh-auth.js';
import { LOCKED_PEM, LOCKED_PRIVATE, PLAIN_PRIVATE } from './ssh-keys.fixture.js';

/** A HOME whose ~/.ssh holds the given files. */
function home(files: Record<string, string>): string {
  const h = mkdtempSync(join(tmpdir(), 'dn-sshhome-'));
  mkdirSync(join(h, '.ssh'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(h, '.ssh', name), text);
  return h;
}

describe('sshAuthFrom', () => {
  it('uses the agent socket and ~/.ssh/known_hosts, with no key when ~/.ssh has none', () => {
    const h = home({});
    expect(sshAuthFrom({ HOME: h, SSH_AUTH_SOCK: '/run/agent.sock' })).toEqual({
      agent: '/run/agent.sock',
      lockedKeys: [],
      knownHosts: join(h, '.ssh', 'known_hosts'),
    });
  });

  it('takes DECNET_SSH_KNOWN_HOSTS over ~/.ssh/known_hosts', () => {
    expect(sshAuthFrom({ HOME: home({}), DECNET_SSH_KNOWN_HOSTS: '/etc/decnet/known_hosts' }).knownHosts).toBe('/etc/decnet/known_hosts');
  });

  it('picks the first unencrypted default key, in ssh’s order, and notes the locked ones', () => {
    const h = home({ id_ed25519: LOCKED_PRIVATE, id_rsa: PLAIN_PRIVATE });
    const auth = sshAuthFrom({ HOME: h });
    expect(auth.keyPath).toBe(join(h, '.ssh', 'id_rsa'));
    expect(auth.privateKey?.toString()).toBe(PLAIN_PRIVATE);
    expect(auth.lockedKeys).toEqual([join(h, '.ssh', 'id_ed25519')]);
  });

  it('takes DECNET_SSH_KEY over the defaults', () => {
    const h = home({ id_ed25519: PLAIN_PRIVATE });
    const named = join(h, 'deploy_key');
    writeFileSync(named, PLAIN_PRIVATE);
    expect(sshAuthFrom({ HOME: h, DECNET_SSH_KEY: named }).keyPath).toBe(named);
  });

  it('refuses an unreadable DECNET_SSH_KEY, and a passphrase-protected one when no agent can hold it', () => {
    const h = home({});
    expect(() => sshAuthFrom({ HOME: h, DECNET_SSH_KEY: '/nonexistent/key' })).toThrow(DockerError);
    expect(() => sshAuthFrom({ HOME: h, DECNET_SSH_KEY: '/nonexistent/key' })).toThrow(
      'cannot read the SSH key DECNET_SSH_KEY=/nonexistent/key',
    );
    const locked = join(h, 'locked');
    writeFileSync(locked, LOCKED_PRIVATE);
    expect(() => sshAuthFrom({ HOME: h, DECNET_SSH_KEY: locked })).toThrow(
      `is passphrase-protected: load it into an ssh-agent (ssh-add ${locked}) and set SSH_AUTH_SOCK`,
    );
    // with an agent, the key is left to it
    expect(sshAuthFrom({ HOME: h, DECNET_SSH_KEY: locked, SSH_AUTH_SOCK: '/a.sock' })).toMatchObject({
      agent: '/a.sock',
      lockedKeys: [locked],
    });
    expect(sshAuthFrom({ HOME: h, DECNET_SSH_KEY: locked, SSH_AUTH_SOCK: '/a.sock' }).privateKey).toBeUndefined();
  });
});

describe('isEncryptedKey', () => {
  it('tells OpenSSH and PEM keys with a passphrase from those without', () => {
    expect(isEncryptedKey(Buffer.from(PLAIN_PRIVATE))).toBe(false);
    expect(isEncryptedKey(Buffer.from(LOCKED_PRIVATE))).toBe(true);
    expect(isEncryptedKey(Buffer.from(LOCKED_PEM))).toBe(true);
    expect(isEncryptedKey(Buffer.from('-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII=\n-----END ENCRYPTED PRIVATE KEY-----\n'))).toBe(true);
  });
});

describe('sshAuthFailure', () => {
  it('says nothing was offered and what to set', () => {
    expect(sshAuthFailure('ssh://root@h:22', 'root', { lockedKeys: [] })).toBe(
      'refused ssh://root@h:22: SSH authentication failed for root: no SSH_AUTH_SOCK agent and no key (set SSH_AUTH_SOCK or DECNET_SSH_KEY, or create ~/.ssh/id_ed25519)',
    );
  });

  it('names what was tried, and the locked keys an agent would unlock', () => {
    expect(sshAuthFailure('ssh://ops@h:22', 'ops', { agent: '/a.sock', keyPath: '/k', lockedKeys: [] })).toBe(
      "refused ssh://ops@h:22: SSH authentication failed for ops (tried agent /a.sock, key /k); is the key in ops's authorized_keys?",
    );
    expect(sshAuthFailure('ssh://ops@h:22', 'ops', { lockedKeys: ['/home/ops/.ssh/id_ed25519'] })).toMatch(
      /; \/home\/ops\/\.ssh\/id_ed25519 need a passphrase: ssh-add them to an agent and set SSH_AUTH_SOCK$/,
    );
  });
});
