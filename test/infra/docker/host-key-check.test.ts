import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostKeyCheck } from '../../../src/infra/docker/host-key-check.js';
import { ECDSA_KEY, HOST_FINGERPRINT, HOST_KEY, OTHER_KEY } from './ssh-keys.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'dn-hostkey-'));
const key = (b64: string) => Buffer.from(b64, 'base64');
const checkWith = (text: string | undefined, port = 2222) => {
  const file = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  if (text !== undefined) writeFileSync(file, text);
  return { file, check: new HostKeyCheck({ knownHosts: file, host: 'h.example', port, endpoint: `ssh://ops@h.example:${port}` }) };
};

describe('HostKeyCheck', () => {
  it('accepts the known key and leaves no refusal', () => {
    const { check } = checkWith(`[h.example]:2222 ssh-ed25519 ${HOST_KEY}\n`);
    expect(check.verify(key(HOST_KEY))).toBe(true);
    expect(check.refusal).toBeUndefined();
  });

  it('refuses an unknown key in one line naming the endpoint, the type, the fingerprint and the file', () => {
    const { file, check } = checkWith('');
    expect(check.verify(key(HOST_KEY))).toBe(false);
    expect(check.refusal).toBe(
      `refused ssh://ops@h.example:2222: unknown host key ssh-ed25519 ${HOST_FINGERPRINT}, not in ${file}; check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it (ssh-keyscan -p 2222 h.example >> ${file})`,
    );
  });

  it('says when the known_hosts file does not exist (and refuses)', () => {
    const { check } = checkWith(undefined, 22);
    expect(check.verify(key(HOST_KEY))).toBe(false);
    expect(check.refusal).toMatch(/not in .* \(no such file\); .*ssh-keyscan h\.example >>/);
  });

  it('refuses a changed key naming the disagreeing line and how to forget it', () => {
    const { file, check } = checkWith(`[h.example]:2222 ssh-ed25519 ${OTHER_KEY}\n`);
    expect(check.verify(key(HOST_KEY))).toBe(false);
    expect(check.refusal).toBe(
      `refused ssh://ops@h.example:2222: host key CHANGED, now ssh-ed25519 ${HOST_FINGERPRINT}, ${file}:1 holds another (a man in the middle, or a reinstalled host: check, then ssh-keygen -f ${file} -R '[h.example]:2222')`,
    );
  });

  it('refuses a revoked key', () => {
    const { check } = checkWith(`@revoked * ssh-ed25519 ${HOST_KEY}\n`);
    expect(check.verify(key(HOST_KEY))).toBe(false);
    expect(check.refusal).toMatch(/host key ssh-ed25519 SHA256:\S+ is marked @revoked in .*:1$/);
  });

  it('reads known_hosts at every connection: an entry added later is accepted, and clears the refusal', () => {
    const { file, check } = checkWith('');
    expect(check.verify(key(HOST_KEY))).toBe(false);
    writeFileSync(file, `[h.example]:2222 ssh-ed25519 ${HOST_KEY}\n`);
    expect(check.verify(key(HOST_KEY))).toBe(true);
    expect(check.refusal).toBeUndefined();
  });

  it('asks for the key types known_hosts holds first, then ssh2’s defaults', () => {
    expect(checkWith('').check.algorithms()[0]).toBe('ssh-ed25519');
    const ec = checkWith(`[h.example]:2222 ecdsa-sha2-nistp256 ${ECDSA_KEY}\n`).check.algorithms();
    expect(ec[0]).toBe('ecdsa-sha2-nistp256');
    expect(ec).toContain('ssh-ed25519');
    expect(new Set(ec).size).toBe(ec.length);
  });
});
