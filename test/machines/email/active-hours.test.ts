import { describe, expect, it } from 'vitest';
import { isActive, localMinutes, msUntilActive, parseActiveHours } from '../../../src/machines/email/active-hours.js';

const at = (iso: string) => new Date(iso);
const utc = (active_hours: string) => ({ active_hours, timezone: 'UTC' });

describe('parseActiveHours', () => {
  it('reads HH:MM-HH:MM into minutes, tolerating spaces and single-digit hours', () => {
    expect(parseActiveHours('09:00-18:00')).toEqual({ start: 540, end: 1080 });
    expect(parseActiveHours(' 9:30 - 17:45 ')).toEqual({ start: 570, end: 1065 });
    expect(parseActiveHours('22:00-24:00')).toEqual({ start: 1320, end: 1440 });
  });
  it.each([
    '',
    'always',
    '9-5',
    '25:00-26:00',
    '09:60-10:00',
    '24:00-08:00',
    '09:00-18:00-20:00',
    '0900-1800',
  ])('treats garbage %j as always active', (spec) => expect(parseActiveHours(spec)).toBeNull());
  it('treats equal ends as always active', () => {
    expect(parseActiveHours('08:00-08:00')).toBeNull();
    expect(parseActiveHours('00:00-24:00')).toBeNull();
  });
});

describe('isActive', () => {
  it('is active inside a plain window, start inclusive and end exclusive', () => {
    expect(isActive(utc('09:00-18:00'), at('2026-03-03T08:59:59Z'))).toBe(false);
    expect(isActive(utc('09:00-18:00'), at('2026-03-03T09:00:00Z'))).toBe(true);
    expect(isActive(utc('09:00-18:00'), at('2026-03-03T17:59:59Z'))).toBe(true);
    expect(isActive(utc('09:00-18:00'), at('2026-03-03T18:00:00Z'))).toBe(false);
  });

  it('wraps past midnight', () => {
    const night = utc('22:00-06:00');
    expect(isActive(night, at('2026-03-03T23:30:00Z'))).toBe(true);
    expect(isActive(night, at('2026-03-03T02:00:00Z'))).toBe(true);
    expect(isActive(night, at('2026-03-03T06:00:00Z'))).toBe(false);
    expect(isActive(night, at('2026-03-03T12:00:00Z'))).toBe(false);
    expect(isActive(night, at('2026-03-03T21:59:00Z'))).toBe(false);
  });

  it('is always active for garbage and equal ends', () => {
    for (const hours of ['whenever', '10:00-10:00']) {
      for (const h of ['00', '03', '12', '23']) expect(isActive(utc(hours), at(`2026-03-03T${h}:17:00Z`))).toBe(true);
    }
  });

  it("reads the clock in the persona's own zone", () => {
    const now = at('2026-03-03T08:30:00Z');
    expect(isActive({ active_hours: '09:00-18:00', timezone: 'Europe/Berlin' }, now)).toBe(true); // 09:30
    expect(isActive({ active_hours: '09:00-18:00', timezone: 'America/New_York' }, now)).toBe(false); // 03:30
    expect(isActive({ active_hours: '09:00-18:00', timezone: 'Asia/Kolkata' }, now)).toBe(true); // 14:00
  });

  it('uses the fallback zone when the persona has none', () => {
    const now = at('2026-03-03T08:30:00Z');
    expect(isActive({ active_hours: '09:00-18:00' }, now, 'Asia/Tokyo')).toBe(true); // 17:30
    expect(isActive({ active_hours: '09:00-18:00' }, now, 'America/Los_Angeles')).toBe(false); // 00:30
  });

  it('follows a DST change: the same UTC instant is 08:30 the day before and 09:30 the day Berlin springs forward', () => {
    const berlin = { active_hours: '09:00-18:00', timezone: 'Europe/Berlin' };
    expect(isActive(berlin, at('2026-03-28T07:30:00Z'))).toBe(false); // CET, 08:30
    expect(isActive(berlin, at('2026-03-29T07:30:00Z'))).toBe(true); // CEST, 09:30
    expect(localMinutes(at('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe(1 * 60 + 59);
    expect(localMinutes(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(3 * 60); // 02:00 never happens
  });

  it('follows the autumn change in New York', () => {
    const ny = { active_hours: '09:00-17:00', timezone: 'America/New_York' };
    expect(isActive(ny, at('2026-10-31T13:30:00Z'))).toBe(true); // EDT, 09:30
    expect(isActive(ny, at('2026-11-02T13:30:00Z'))).toBe(false); // EST, 08:30
  });
});

describe('msUntilActive', () => {
  it('is 0 inside the window and the wait until the start outside it', () => {
    expect(msUntilActive(utc('09:00-18:00'), at('2026-03-03T10:00:00Z'))).toBe(0);
    expect(msUntilActive(utc('09:00-18:00'), at('2026-03-03T08:00:30Z'))).toBe(59 * 60_000 + 30_000);
    expect(msUntilActive(utc('09:00-18:00'), at('2026-03-03T19:00:00Z'))).toBe(14 * 3_600_000);
    expect(msUntilActive(utc('garbage'), at('2026-03-03T03:00:00Z'))).toBe(0);
  });
});
