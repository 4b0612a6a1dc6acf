import { describe, expect, it } from 'vitest';
import { bearerMatches, hostHeaderIsLoopback, isLoopbackHost } from '../../../src/surfaces/http/auth.js';
import { parseListenAddress } from '../../../src/surfaces/http/listen-address.js';

const TOKEN = 'tok-0123456789abcdef';

describe('bearerMatches', () => {
  it('accepts exactly `Bearer <token>`, case-insensitive scheme', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it('refuses, without throwing, values of any other length or shape', () => {
    // timingSafeEqual throws on unequal lengths: hashing first makes every length comparable
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${TOKEN}0`,
      `Bearer ${TOKEN.slice(1)}`,
      `Token ${TOKEN}`,
      `Bearer ${TOKEN} extra`,
      TOKEN,
    ]) {
      expect(() => bearerMatches(h, TOKEN)).not.toThrow();
      expect(bearerMatches(h, TOKEN), String(h)).toBe(false);
    }
  });

  it('refuses an empty bearer even against an empty token', () => {
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])('treats %s as loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '192.168.1.5',
    'example.com',
    '127.0.0.1.nip.io',
    'localhost.evil',
    '',
  ])('treats %s as reachable from outside', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('hostHeaderIsLoopback', () => {
  it('accepts loopback names with or without a port', () => {
    for (const h of ['127.0.0.1:8080', 'localhost:1', '[::1]:9', 'localhost']) expect(hostHeaderIsLoopback(h)).toBe(true);
  });
  it('refuses rebinding names and junk', () => {
    for (const h of [undefined, '', 'evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost:80:80'])
      expect(hostHeaderIsLoopback(h)).toBe(false);
  });
});

describe('parseListenAddress', () => {
  it('binds loopback for a bare port and takes a host when given', () => {
    expect(parseListenAddress('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });
  it.each(['', 'abc', '80000', ':80', 'host:', 'a b:80', '1.2.3.4:8080;rm'])('refuses %j', (s) => {
    expect(() => parseListenAddress(s)).toThrow(/--http/);
  });
});
