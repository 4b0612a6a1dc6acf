import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIpLiteral } from '../../../src/machines/discovery/ip-literal.js';

const CASES = [
  '10.0.0.1',
  '255.255.255.255',
  '0.0.0.0',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4.5',
  ' 1.2.3.4',
  '::',
  '::1',
  'fd00::2',
  '2001:db8::8a2e:370:7334',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  '::ffff:192.0.2.1',
  '1::2::3',
  ':::',
  '12345::',
  'g::1',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::',
  'fe80::1%eth0',
  '$(touch /tmp/x)',
  '',
  'localhost',
  '1.2.3.4;id',
];

describe('isIpLiteral', () => {
  it.each(CASES)('agrees with node:net on %j', (value) => {
    expect(isIpLiteral(value)).toBe(isIP(value) !== 0 && !value.includes('%'));
  });
});
