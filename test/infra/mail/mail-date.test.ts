import { describe, expect, it } from 'vitest';
import { formatMailDate } from '../../../src/infra/mail/mail-date.js';

describe('formatMailDate', () => {
  it('switches offset on the second a zone changes to summer time, not a quarter hour late', () => {
    expect(formatMailDate(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('Sun, 29 Mar 2026 01:59:59 +0100');
    expect(formatMailDate(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('Sun, 29 Mar 2026 03:00:00 +0200');
    expect(formatMailDate(new Date('2026-11-01T05:59:59Z'), 'America/New_York')).toBe('Sun, 01 Nov 2026 01:59:59 -0400');
    expect(formatMailDate(new Date('2026-11-01T06:00:00Z'), 'America/New_York')).toBe('Sun, 01 Nov 2026 01:00:00 -0500');
  });

  it('drops milliseconds instead of rounding into the next second', () => {
    expect(formatMailDate(new Date('2026-12-31T23:59:59.999Z'), 'UTC')).toBe('Thu, 31 Dec 2026 23:59:59 +0000');
  });

  it('keeps half- and three-quarter-hour zones', () => {
    expect(formatMailDate(new Date('2026-06-01T12:00:00Z'), 'Asia/Kathmandu')).toBe('Mon, 01 Jun 2026 17:45:00 +0545');
  });
});
