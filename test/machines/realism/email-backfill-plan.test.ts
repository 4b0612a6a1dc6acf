import { describe, expect, it } from 'vitest';
import type { Persona } from '../../../src/domain/persona.js';
import { DEFAULT_MAX_BACKFILL_EMAILS, distinctPersonas, planEmailTimes } from '../../../src/machines/realism/email-backfill-plan.js';
import { isActive } from '../../../src/machines/email/active-hours.js';
import { localDay } from '../../../src/machines/realism/local-time.js';

const NOW = new Date('2025-03-24T16:00:00Z');
const persona = (email: string, timezone: string | undefined, active_hours: string): Persona => ({
  name: email,
  email,
  role: 'engineer',
  tone: 'direct',
  mannerisms: [],
  language: 'en',
  signature: null,
  active_hours,
  reply_latency: 'normal',
  uses_llms_heavily: false,
  ...(timezone ? { timezone } : {}),
});
const TEAM = [
  persona('ann@corp.example', 'Europe/Berlin', '08:30-17:00'),
  persona('bob@corp.example', 'America/Los_Angeles', '09:00-18:00'),
  persona('kim@corp.example', undefined, '22:00-06:00'),
];

describe('planEmailTimes', () => {
  it('dates every email inside its sender’s hours, in the sender’s zone (host zone when none), within the window', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = planEmailTimes(TEAM, { days: 28, now: NOW, seed, hostZone: 'Asia/Tokyo', maxEmails: 200 });
      expect(plan.length).toBeGreaterThan(40);
      for (const p of plan) {
        expect(isActive(p.sender, p.at, 'Asia/Tokyo'), `${p.sender.email} ${p.at.toISOString()}`).toBe(true);
        expect(p.at.getTime() % 1000).toBe(0);
        expect(p.at.getTime()).toBeLessThan(NOW.getTime() - 10 * 60_000);
        expect(p.at.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 28 * 86_400_000);
      }
      expect(plan.map((p) => p.at.getTime())).toEqual([...plan.map((p) => p.at.getTime())].sort((a, b) => a - b));
    }
  });

  it('keeps to the cap (30 by default) while spreading over the whole window, mostly on working days', () => {
    const plan = planEmailTimes(TEAM, { days: 21, now: NOW, seed: 9, hostZone: 'UTC' });
    expect(plan.length).toBeLessThanOrEqual(DEFAULT_MAX_BACKFILL_EMAILS);
    expect(plan.length).toBeGreaterThanOrEqual(20);
    expect(NOW.getTime() - plan[0]!.at.getTime()).toBeGreaterThan(12 * 86_400_000);
    const weekdays = plan.filter((p) => {
      const day = localDay(p.at, p.sender.timezone ?? 'UTC').weekday;
      return day >= 1 && day <= 5;
    });
    expect(weekdays.length / plan.length).toBeGreaterThan(0.8);
    // every sender writes
    expect(new Set(plan.map((p) => p.sender.email)).size).toBe(3);
  });

  it('is reproducible from its seed and different across seeds', () => {
    const a = planEmailTimes(TEAM, { days: 14, now: NOW, seed: 42, hostZone: 'UTC' });
    const b = planEmailTimes(TEAM, { days: 14, now: NOW, seed: 42, hostZone: 'UTC' });
    const c = planEmailTimes(TEAM, { days: 14, now: NOW, seed: 43, hostZone: 'UTC' });
    expect(a.map((p) => [p.at.toISOString(), p.sender.email])).toEqual(b.map((p) => [p.at.toISOString(), p.sender.email]));
    expect(a.map((p) => p.at.toISOString())).not.toEqual(c.map((p) => p.at.toISOString()));
  });

  it('plans nothing without two distinct addresses, a cap or a window', () => {
    const ann = TEAM[0]!;
    expect(planEmailTimes([ann, { ...ann, email: 'ANN@corp.example' }], { days: 14, now: NOW, seed: 1, hostZone: 'UTC' })).toEqual([]);
    expect(distinctPersonas([ann, { ...ann, email: 'ANN@corp.example' }])).toHaveLength(1);
    expect(planEmailTimes(TEAM, { days: 14, now: NOW, seed: 1, hostZone: 'UTC', maxEmails: 0 })).toEqual([]);
    expect(planEmailTimes(TEAM, { days: 0, now: NOW, seed: 1, hostZone: 'UTC' })).toEqual([]);
  });
});
