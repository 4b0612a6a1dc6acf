import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
  keyTypeOf,
  parseKnownHosts,
} from '../../../src/infra/docker/known-hosts.js';
import { ECDSA_KEY, HASHED_LINE, HOST_FINGERPRINT, HOST_KEY, OTHER_KEY } from './ssh-keys.fixture.js';

const key = (b64: string) => Buffer.from(b64, 'base64');
const check = (text: string, name: string, b64 = HOST_KEY) => checkHostKey(parseKnownHosts(text), name, key(b64));

describe('known_hosts', () => {
  it('names hosts as ssh stores them: bare on port 22, [host]:port otherwise, lowercased', () => {
    expect(knownHostsName('Edge.Example', 22)).toBe('edge.example');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
    expect(knownHostsName('[::1]', 2222)).toBe('[::1]:2222');
  });

  it('fingerprints a key exactly as ssh-keygen -l prints it, and reads its type from the blob', () => {
    expect(fingerprint(key(HOST_KEY))).toBe(HOST_FINGERPRINT);
    expect(keyTypeOf(key(HOST_KEY))).toBe('ssh-ed25519');
    expect(keyTypeOf(key(ECDSA_KEY))).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('');
  });

  it('accepts the key of a plain entry, in a comma list, for [host]:port', () => {
    expect(check(`other.example,[h.example]:2222 ssh-ed25519 ${HOST_KEY} a comment`, '[h.example]:2222')).toEqual({
      status: 'known',
      line: 1,
    });
    expect(check(`h.example ssh-ed25519 ${HOST_KEY}`, 'h.example')).toMatchObject({ status: 'known' });
  });

  it('keeps ports apart: an entry for port 22 does not vouch for port 2222', () => {
    expect(check(`h.example ssh-ed25519 ${HOST_KEY}`, '[h.example]:2222')).toEqual({ status: 'unknown' });
  });

  it('matches a hashed entry written by ssh-keygen -H, for its host only', () => {
    expect(check(HASHED_LINE, '[h.example]:2222')).toMatchObject({ status: 'known' });
    expect(check(HASHED_LINE, '[h.example]:2223')).toEqual({ status: 'unknown' });
    expect(check(HASHED_LINE, '[h.example]:2222', OTHER_KEY)).toMatchObject({ status: 'changed' });
  });

  it('says changed when the host has another key of the same type, unknown when only other types are known', () => {
    const text = `# comment\n\n[h.example]:2222 ssh-ed25519 ${OTHER_KEY}\n`;
    expect(check(text, '[h.example]:2222')).toEqual({ status: 'changed', line: 3 });
    expect(check(`[h.example]:2222 ecdsa-sha2-nistp256 ${ECDSA_KEY}`, '[h.example]:2222')).toEqual({ status: 'unknown' });
  });

  it('applies wildcards and a negation vetoes', () => {
    expect(check(`*.example ssh-ed25519 ${HOST_KEY}`, 'h.example')).toMatchObject({ status: 'known' });
    expect(check(`h?example ssh-ed25519 ${HOST_KEY}`, 'h.example')).toMatchObject({ status: 'known' });
    expect(check(`*.example,!h.example ssh-ed25519 ${HOST_KEY}`, 'h.example')).toEqual({ status: 'unknown' });
    // a dot in a pattern is a dot, not any character
    expect(check(`h.example ssh-ed25519 ${HOST_KEY}`, 'hxexample')).toEqual({ status: 'unknown' });
  });

  it('refuses a key marked @revoked even where another line accepts it, and never trusts @cert-authority lines', () => {
    const revoked = `h.example ssh-ed25519 ${HOST_KEY}\n@revoked * ssh-ed25519 ${HOST_KEY}\n`;
    expect(check(revoked, 'h.example')).toEqual({ status: 'revoked', line: 2 });
    expect(check(`@cert-authority * ssh-ed25519 ${HOST_KEY}`, 'h.example')).toEqual({ status: 'unknown' });
  });

  it('skips malformed lines: bad base64, a type that disagrees with the blob, unknown markers', () => {
    const text = [
      `h.example ssh-ed25519 !!!`,
      `h.example ssh-rsa ${HOST_KEY}`,
      `@weird h.example ssh-ed25519 ${HOST_KEY}`,
      'h.example',
    ].join('\n');
    expect(parseKnownHosts(text)).toEqual([]);
  });

  it('lists the key types known for a host', () => {
    const text = `h.example ssh-ed25519 ${HOST_KEY}\nh.example ecdsa-sha2-nistp256 ${ECDSA_KEY}\nother ssh-ed25519 ${OTHER_KEY}\n`;
    expect(knownKeyTypes(parseKnownHosts(text), 'h.example')).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  });
});
