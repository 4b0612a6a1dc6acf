import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/domain/rng.js';
import { personaMachine } from '../../../src/machines/persona/persona.machine.js';
import {
  CHECK_WITHOUT_SCHEDULE_MS,
  MAX_TIMER_MS,
  nextGap,
  personaProfile,
  restDelay,
  timerDelay,
} from '../../../src/machines/persona/persona.schedule.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';

const HOUR = 3_600_000;

describe('persona schedule', () => {
  it('draws heavy-tailed gaps around the mean: mostly short, now and then a long silence, never fixed', () => {
    const rng = seededRng(11);
    const gaps = Array.from({ length: 5000 }, () => nextGap({ reply_latency: 'normal' }, 4 * HOUR, rng));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(3 * HOUR);
    expect(mean).toBeLessThan(5 * HOUR);
    const median = [...gaps].sort((a, b) => a - b)[2500]!;
    // a heavy tail: the median sits well below the mean, and some gaps are many means long
    expect(median).toBeLessThan(0.7 * mean);
    expect(gaps.filter((g) => g > 4 * mean).length).toBeGreaterThan(20);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual((4 * HOUR) / 3 - 1);
    expect(new Set(gaps).size).toBeGreaterThan(4900);
  });

  it('writes twice as often when fast and half as often when slow', () => {
    const mean = (latency: 'fast' | 'normal' | 'slow') => {
      const rng = seededRng(3);
      return Array.from({ length: 4000 }, () => nextGap({ reply_latency: latency }, HOUR, rng)).reduce((a, b) => a + b, 0) / 4000;
    };
    expect(mean('fast') / mean('normal')).toBeCloseTo(0.5, 1);
    expect(mean('slow') / mean('normal')).toBeCloseTo(2, 1);
  });

  it('without its own schedule only wakes once a day to re-check', () => {
    expect(nextGap({ reply_latency: 'normal' }, 0, seededRng(1))).toBe(CHECK_WITHOUT_SCHEDULE_MS);
  });

  it('rests until its window opens in its own zone, plus up to 25 minutes, never past a timer’s range', () => {
    const p = { active_hours: '09:00-17:00', timezone: 'Asia/Tokyo' };
    // 20:00 in Tokyo: the window opens in 13 hours
    const d = restDelay(p, new Date('2026-03-03T11:00:00Z'), seededRng(5));
    expect(d).toBeGreaterThanOrEqual(13 * HOUR);
    expect(d).toBeLessThanOrEqual(13 * HOUR + 25 * 60_000);
    expect(timerDelay(Number.MAX_SAFE_INTEGER, 0)).toBe(MAX_TIMER_MS);
    expect(timerDelay(5, 10)).toBe(0);
  });

  it('reads its human profile in its own zone (else the fallback), with follow-ups sooner when it answers fast', () => {
    const tokyo = { email: 'Ken@Acme.example', active_hours: '09:00-18:00', timezone: 'Asia/Tokyo', reply_latency: 'fast' as const };
    expect(personaProfile(tokyo, 6, 'Europe/Paris')).toMatchObject({
      id: 'ken@acme.example',
      timeZone: 'Asia/Tokyo',
      activeHours: '09:00-18:00',
      eventsPerDay: 6,
      burstMedianMinutes: 2,
    });
    const local = { ...tokyo, timezone: undefined, reply_latency: 'slow' as const };
    expect(personaProfile(local, 6, 'Europe/Paris')).toMatchObject({ timeZone: 'Europe/Paris', burstMedianMinutes: 8 });
  });

  it('keeps its whole state as plain data with absolute deadlines, so a snapshot survives JSON', () => {
    const actor = createActor(personaMachine, {
      input: {
        mailDecky: mailDecky(),
        persona: persona({ email: 'alice@acme.example' }),
        peers: [],
        at: '2026-03-03T10:00:00.000Z',
        seed: 1,
      },
    });
    const context = actor.getSnapshot().context;
    expect(JSON.parse(JSON.stringify(context))).toEqual(context);
    expect(context.clock).toBe(Date.parse('2026-03-03T10:00:00.000Z'));
    expect(context.nextWriteAt).toBeGreaterThan(context.clock);
  });
});
