import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/domain/rng.js';
import { coefficientOfVariation, gapsOf, ksExponential } from '../../../src/machines/realism/gap-stats.js';
import { isDayOff, leaveDays } from '../../../src/machines/realism/holiday-calendar.js';
import { insideHours } from '../../../src/machines/realism/intensity.js';
import { localDay } from '../../../src/machines/realism/local-time.js';
import { nextEventAt, sampleEventTimes } from '../../../src/machines/realism/next-event.js';
import { densityToRate, profileForPersona } from '../../../src/machines/realism/timing-profile.js';

const FROM = new Date('2025-01-06T00:00:00Z');
const TO = new Date('2025-04-06T00:00:00Z');

function berlin(eventsPerDay = 12, seed = 7) {
  return profileForPersona(
    { email: 'ann.keller@corp.example', active_hours: '09:00-17:30', timezone: 'Europe/Berlin' },
    { eventsPerDay, seed, fallbackZone: 'UTC' },
  );
}

describe('timing model', () => {
  const profile = berlin();
  const times = sampleEventTimes(profile, FROM, TO, seededRng(42));

  it('produces about the configured density per working day', () => {
    const days = new Set(times.map((t) => localDay(t, 'Europe/Berlin').dayKey));
    const workdays = [...days].filter((k) => ![0, 6].includes(new Date(`${k}T12:00:00Z`).getUTCDay()));
    const perWorkday = times.filter((t) => ![0, 6].includes(localDay(t, 'Europe/Berlin').weekday)).length / workdays.length;
    expect(perWorkday).toBeGreaterThan(8);
    expect(perWorkday).toBeLessThan(16);
  });

  it('puts at least 90 % of events inside working hours, in the persona’s own zone', () => {
    const inside = times.filter((t) => insideHours(profile, t)).length / times.length;
    expect(inside).toBeGreaterThanOrEqual(0.9);
    // the same instants read in New York would mostly fall outside 09:00-17:30
    const ny = { ...profile, timeZone: 'America/New_York' };
    expect(times.filter((t) => insideHours(ny, t)).length / times.length).toBeLessThan(0.6);
  });

  it('peaks in the local working day: few events before 08:00 or after 19:00', () => {
    const hours = times.map((t) => Math.floor(localDay(t, 'Europe/Berlin').minutes / 60));
    const night = hours.filter((h) => h < 8 || h >= 19).length / hours.length;
    expect(night).toBeLessThan(0.05);
  });

  it('keeps weekends quiet: at least 90 % of events on weekdays', () => {
    const weekday = times.filter((t) => ![0, 6].includes(localDay(t, 'Europe/Berlin').weekday)).length / times.length;
    expect(weekday).toBeGreaterThanOrEqual(0.9);
    expect(weekday).toBeLessThan(1);
  });

  it('has heavy-tailed gaps: coefficient of variation above 1, never a fixed interval', () => {
    const gaps = gapsOf(times);
    expect(coefficientOfVariation(gaps)).toBeGreaterThan(1);
    // many short gaps (bursts), so no shortfall against an exponential with the same mean
    expect(ksExponential(gaps).dShort).toBeLessThan(ksExponential(gaps).critical);
  });

  it('has bursts: a good share of follow-ups come within 15 minutes', () => {
    const gaps = gapsOf(times);
    expect(gaps.filter((g) => g < 15 * 60_000).length / gaps.length).toBeGreaterThan(0.2);
  });

  it('is quiet on the persona’s leave days', () => {
    const off = times.filter((t) => isDayOff(profile, localDay(t, 'Europe/Berlin'))).length;
    const offDays = [...leaveDays(profile, 2025)].filter((k) => k >= '2025-01-06' && k < '2025-04-06').length;
    // up to 4 loose days fall in this quarter; on each, ~3 % of a normal day
    expect(off).toBeLessThanOrEqual(Math.max(2, offDays));
  });

  it('is reproducible: the same seed gives the same events, another seed other events', () => {
    const again = sampleEventTimes(profile, FROM, new Date('2025-01-20T00:00:00Z'), seededRng(42));
    expect(again.map(Number)).toEqual(times.filter((t) => t < new Date('2025-01-20T00:00:00Z')).map(Number));
    const other = sampleEventTimes(profile, FROM, new Date('2025-01-20T00:00:00Z'), seededRng(43));
    expect(other.map(Number)).not.toEqual(again.map(Number));
  });

  it('always moves strictly forward', () => {
    const rng = seededRng(9);
    let t = FROM;
    for (let i = 0; i < 500; i += 1) {
      const next = nextEventAt(profile, t, rng);
      expect(next.getTime()).toBeGreaterThan(t.getTime());
      t = next;
    }
  });

  it('converts a daily density into a per-minute rate inside working hours', () => {
    expect(densityToRate(540, 540)).toBe(1);
    expect(densityToRate(0)).toBe(0);
    expect(densityToRate(-3)).toBe(0);
  });
});

describe('leave calendar', () => {
  it('is deterministic per persona and differs between personas', () => {
    const a = { id: 'ann@corp.example', seed: 1 };
    const b = { id: 'bob@corp.example', seed: 1 };
    expect([...leaveDays(a, 2025)]).toEqual([...leaveDays({ ...a }, 2025)]);
    expect([...leaveDays(a, 2025)]).not.toEqual([...leaveDays(b, 2025)]);
    // a summer holiday of at least five days plus a winter break
    expect(leaveDays(a, 2025).size).toBeGreaterThanOrEqual(10);
  });

  it('treats New Year and Christmas as days off for everyone', () => {
    const owner = { id: 'x@corp.example', seed: 3 };
    expect(isDayOff(owner, { year: 2025, dayKey: '2025-12-25' })).toBe(true);
    expect(isDayOff(owner, { year: 2026, dayKey: '2026-01-01' })).toBe(true);
  });
});

describe('localDay', () => {
  it('agrees with the zone database to the minute, across DST changes and odd offsets', () => {
    const rng = seededRng(77);
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/St_Johns',
      'UTC',
      'Pacific/Chatham',
    ];
    for (let i = 0; i < 3000; i += 1) {
      const zone = zones[i % zones.length]!;
      const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(rng() * 2 * 365 * 86_400_000));
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      }).formatToParts(at);
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      const local = localDay(at, zone);
      expect(local.dayKey).toBe(`${get('year')}-${get('month')}-${get('day')}`);
      expect(local.minutes).toBe((Number(get('hour')) % 24) * 60 + Number(get('minute')));
      expect(local.weekday).toBe(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')));
    }
  });

  it('reads an unknown zone as UTC instead of throwing', () => {
    expect(localDay(new Date('2025-03-04T09:14:07Z'), 'Mars/Olympus_Mons')).toMatchObject({ dayKey: '2025-03-04', minutes: 9 * 60 + 14 });
  });
});
