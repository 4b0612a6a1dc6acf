import { describe, expect, it } from 'vitest';
import { isDayOff, leaveDays } from '../../../src/machines/realism/holiday-calendar.js';
import { localDay } from '../../../src/machines/realism/local-time.js';
import { countryOfZone, publicHolidays } from '../../../src/machines/realism/public-holidays.js';

describe('publicHolidays', () => {
  it('knows each zone’s own country, even where several countries share the zone', () => {
    const zones: Record<string, string> = {
      'Pacific/Auckland': 'NZ',
      'Europe/Berlin': 'DE',
      'Europe/Helsinki': 'FI',
      'Africa/Johannesburg': 'ZA',
      'America/New_York': 'US',
      'Asia/Tokyo': 'JP',
      'America/Sao_Paulo': 'BR',
      'Asia/Kolkata': 'IN',
    };
    for (const [zone, country] of Object.entries(zones)) expect(countryOfZone(zone), zone).toBe(country);
    expect(countryOfZone('UTC')).toBeNull();
  });

  it('closes an Auckland office on Waitangi Day and its substitute Monday, not only on 1 January and 25 December', () => {
    const nz = publicHolidays('Pacific/Auckland', 2027);
    expect(nz?.has('2027-02-06')).toBe(true);
    expect(nz?.has('2027-02-08')).toBe(true);
    expect(nz?.has('2027-04-25')).toBe(true);
    expect(nz?.has('2027-07-04')).toBe(false);
  });

  it('leaves observances (Valentine’s Day, Advent Sundays) as working days', () => {
    const de = publicHolidays('Europe/Berlin', 2026);
    expect(de?.has('2026-10-03')).toBe(true);
    expect(de?.has('2026-02-14')).toBe(false);
    expect(de?.has('2026-11-29')).toBe(false);
  });
});

describe('isDayOff', () => {
  const owner = { id: 'kim.ortiz@acme.example', seed: 7 };
  const at = (iso: string, zone: string) => localDay(new Date(iso), zone);

  it('follows the owner’s country: Thanksgiving in New York, a normal Thursday in Berlin', () => {
    expect(isDayOff({ ...owner, timeZone: 'America/New_York' }, at('2026-11-26T15:00:00Z', 'America/New_York'))).toBe(true);
    const berlin = { id: 'lea.berg@acme.example', seed: 7, timeZone: 'Europe/Berlin' };
    // the owner's own leave must not explain the answer
    expect(leaveDays(berlin, 2026).has('2026-11-26')).toBe(false);
    expect(isDayOff(berlin, at('2026-11-26T10:00:00Z', 'Europe/Berlin'))).toBe(false);
  });

  it('keeps the common days for a zone without a country', () => {
    expect(isDayOff({ ...owner, timeZone: 'UTC' }, at('2026-12-25T10:00:00Z', 'UTC'))).toBe(true);
    expect(isDayOff(owner, at('2027-01-01T10:00:00Z', 'UTC'))).toBe(true);
  });
});
