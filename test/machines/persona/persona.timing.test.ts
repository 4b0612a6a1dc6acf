import { createActor, fromCallback, fromPromise, SimulatedClock, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { localMinutes, parseActiveHours } from '../../../src/machines/email/active-hours.js';
import type { MailCommand } from '../../../src/machines/mail/mail.events.js';
import { mailActorId } from '../../../src/machines/mail/mail.events.js';
import { personaActorId, type PersonaReport } from '../../../src/machines/persona/persona.events.js';
import { personaMachine } from '../../../src/machines/persona/persona.machine.js';
import { MAX_TIMER_MS, nextOwnWrite, type OwnSchedule } from '../../../src/machines/persona/persona.schedule.js';
import { CALENDAR_SEED } from '../../../src/machines/realism/timing-profile.js';
import type { GenerateInput, GenerationResult, LookupThreadInput, ThreadChoice } from '../../../src/machines/persona/persona.types.js';
import { seededRng } from '../../../src/domain/rng.js';
import { coefficientOfVariation, gapsOf } from '../../../src/machines/realism/gap-stats.js';
import { leaveDays } from '../../../src/machines/realism/holiday-calendar.js';
import { localDay } from '../../../src/machines/realism/local-time.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';

const DAY = 86_400_000;
const ZONE = 'America/New_York';
const HOURS = '08:30-17:00';
// a New Yorker: her working day is 13:30-22:00 UTC in winter, so UTC-shaped activity would fail
const KIM = persona({ email: 'kim.ortiz@acme.example', name: 'Kim Ortiz', timezone: ZONE, active_hours: HOURS });
const LEE = persona({ email: 'lee.chan@acme.example', name: 'Lee Chan', timezone: ZONE, active_hours: HOURS });
const START = Date.parse('2026-11-02T05:00:00Z'); // a Monday, local midnight
const WEEKS = 10;

/** Shape figures of a series of write times, read in Kim's zone. */
function shape(times: readonly number[]) {
  const window = parseActiveHours(HOURS)!;
  const local = times.map((t) => localDay(new Date(t), ZONE));
  const inHours = times.filter((t) => {
    const m = localMinutes(new Date(t), ZONE);
    return m >= window.start && m < window.end;
  }).length;
  const weekday = local.filter((d) => d.weekday >= 1 && d.weekday <= 5).length;
  const gaps = gapsOf(times);
  const leave = leaveDays({ id: KIM.email, seed: CALENDAR_SEED }, 2026);
  const workdays = new Set(
    local.filter((d) => d.weekday >= 1 && d.weekday <= 5 && !leave.has(d.dayKey) && d.dayKey !== '2026-12-25').map((d) => d.dayKey),
  );
  return {
    n: times.length,
    inHoursShare: inHours / times.length,
    weekdayShare: weekday / times.length,
    cv: coefficientOfVariation(gaps),
    burstShare: gaps.filter((g) => g < 15 * 60_000).length / gaps.length,
    longestGapDays: Math.max(...gaps) / DAY,
    onChristmas: local.filter((d) => d.dayKey === '2026-12-25').length,
    perWorkday: times.length / Math.max(1, workdays.size),
  };
}

describe('persona timing (issue 7: a human process, not a timer)', () => {
  const schedule: OwnSchedule = { emailsPerDay: 8, meanGapMs: 0, fallbackZone: 'UTC' };

  it('over ten simulated weeks writes in its own hours and zone, on weekdays, in bursts, with a heavy tail', () => {
    const rng = seededRng(20261102);
    const times: number[] = [];
    for (let t = nextOwnWrite(KIM, schedule, START, rng); t < START + WEEKS * 7 * DAY; t = nextOwnWrite(KIM, schedule, t, rng))
      times.push(t);
    const s = shape(times);
    expect(s.n).toBeGreaterThan(200);
    expect(s.inHoursShare).toBeGreaterThan(0.9);
    expect(s.weekdayShare).toBeGreaterThan(0.9);
    // a fixed interval has CV 0, jittered timers ~0.3, Poisson 1: people are burstier
    expect(s.cv).toBeGreaterThan(1);
    expect(s.burstShare).toBeGreaterThan(0.15);
    // nights and weekends make long silences; Christmas is a day off
    expect(s.longestGapDays).toBeGreaterThan(2);
    expect(s.onChristmas).toBeLessThanOrEqual(1);
    // the operator's density: about N emails on an ordinary working day
    expect(s.perWorkday).toBeGreaterThan(8 * 0.7);
    expect(s.perWorkday).toBeLessThan(8 * 1.3);
  });

  it('is quiet on its own leave days, which differ from a colleague’s', () => {
    const rng = seededRng(5);
    const times: number[] = [];
    const end = Date.parse('2027-01-01T00:00:00Z');
    for (let t = nextOwnWrite(KIM, schedule, Date.parse('2026-01-05T05:00:00Z'), rng); t < end; t = nextOwnWrite(KIM, schedule, t, rng))
      times.push(t);
    const leave = leaveDays({ id: KIM.email, seed: CALENDAR_SEED }, 2026);
    const onLeave = times.filter((t) => leave.has(localDay(new Date(t), ZONE).dayKey)).length;
    // a working day brings ~8 emails; ~15 leave days together bring a handful at most
    expect(leave.size).toBeGreaterThan(8);
    expect(onLeave / leave.size).toBeLessThan(0.8);
    expect(leaveDays({ id: LEE.email, seed: CALENDAR_SEED }, 2026)).not.toEqual(leave);
  });

  it('scales with the density the operator sets, and the legacy mean-gap schedule stays available', () => {
    // four weeks without a US public holiday (November has two: they cost a dense writer a day's
    // worth each and a sparse one almost nothing, which is not what this test is about)
    const quiet = Date.parse('2027-03-01T05:00:00Z');
    const count = (emailsPerDay: number) => {
      const rng = seededRng(9);
      let n = 0;
      for (
        let t = nextOwnWrite(KIM, { ...schedule, emailsPerDay }, quiet, rng);
        t < quiet + 28 * DAY;
        t = nextOwnWrite(KIM, { ...schedule, emailsPerDay }, t, rng)
      )
        n += 1;
      return n;
    };
    expect(count(20) / count(5)).toBeGreaterThan(3);
    expect(count(20) / count(5)).toBeLessThan(5.5);
    const legacy = { emailsPerDay: 0, meanGapMs: 3_600_000, fallbackZone: null };
    const gap = nextOwnWrite(KIM, legacy, START, seededRng(1)) - START;
    expect(gap).toBeGreaterThanOrEqual(3_600_000 / 3 - 1);
    expect(gap).toBeLessThanOrEqual(12 * 3_600_000);
  });

  it('drives the real machine on a simulated clock: its writes have the same human shape', async () => {
    const sim = simulate({ emailsPerDay: 8 });
    const end = START + 3 * 7 * DAY;
    while (sim.clock.now() < end) {
      sim.clock.increment(Math.min(Math.max(sim.ctx().nextWriteAt - sim.clock.now(), 0), MAX_TIMER_MS));
      await settle();
    }
    sim.root.stop();
    expect(sim.ctx().written).toBe(sim.written.length);
    const s = shape(sim.written);
    expect(s.n).toBeGreaterThan(60);
    expect(s.inHoursShare).toBeGreaterThan(0.9);
    expect(s.weekdayShare).toBeGreaterThan(0.9);
    expect(s.cv).toBeGreaterThan(1);
    expect(s.burstShare).toBeGreaterThan(0.1);
    // the deadline lives in context, as epoch ms: a restored snapshot knows when to write next
    expect(JSON.parse(JSON.stringify(sim.ctx()))).toEqual(sim.ctx());
    expect(sim.ctx().emailsPerDay).toBe(8);
  });

  it('on the human process writes at a deadline that fell off hours (a late email) instead of resting', async () => {
    const sim = simulate({ emailsPerDay: 8 });
    const deadline = sim.ctx().nextWriteAt;
    // both now keep a one-hour window three hours after the deadline: it falls off hours for everyone
    const hh = (h: number) => String(h % 24).padStart(2, '0');
    const local = localMinutes(new Date(deadline), ZONE);
    const window = `${hh(Math.floor(local / 60) + 3)}:00-${hh(Math.floor(local / 60) + 4)}:00`;
    const late = (p: typeof KIM) => ({ ...p, active_hours: window });
    sim
      .child()
      .send({ type: 'PERSONA.UPDATE', at: new Date(sim.clock.now()).toISOString(), persona: late(KIM), peers: [late(KIM), late(LEE)] });
    sim.clock.increment(deadline - sim.clock.now());
    await settle();
    expect(sim.written).toEqual([deadline]);
    expect(sim.reports).not.toContain('resting');
    sim.root.stop();
  });

  it('reaches a deadline further than one timer can hold in hops, never early', async () => {
    const sim = simulate({ emailsPerDay: 0.002 });
    const deadline = sim.ctx().nextWriteAt;
    expect(deadline - sim.clock.now()).toBeGreaterThan(MAX_TIMER_MS);
    sim.clock.increment(MAX_TIMER_MS);
    await settle();
    expect(sim.written).toEqual([]);
    expect(sim.ctx()).toMatchObject({ clock: START + MAX_TIMER_MS, nextWriteAt: deadline });
    sim.root.stop();
  });
});

const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
};

/** Kim's persona machine with instant thread lookups, generations and deliveries, on a simulated clock. */
function simulate(tuning: { emailsPerDay: number }, start = START) {
  const clock = new SimulatedClock();
  clock.set(start);
  const at = () => new Date(clock.now()).toISOString();
  const written: number[] = [];
  const reports: string[] = [];
  const id = personaActorId(mailDecky().uuid, KIM.email);
  const lookupThread = fromPromise<ThreadChoice, LookupThreadInput>(async () => ({
    threadId: `t${written.length}`,
    emailId: `e${written.length}`,
    parent: null,
    at: at(),
  }));
  const generate = fromPromise<GenerationResult, GenerateInput>(async () => ({
    success: true,
    text: 'Subject: Q4 numbers\n\nHi Lee, can we talk about the numbers?',
    model: 'm',
    latencyMs: 1,
    at: at(),
  }));
  const p = personaMachine.provide({ actors: { lookupThread, generate } });
  const harness = setup({
    actors: {
      p,
      mail: fromCallback(({ receive, system }) =>
        receive((e) => {
          const cmd = e as MailCommand;
          if (cmd.type !== 'MAIL.DELIVER') return;
          written.push(clock.now());
          system
            .get(cmd.draft.replyTo)
            ?.send({ type: 'MAIL.SETTLED', jobId: cmd.draft.jobId, success: true, stage: 'delivered', at: at() });
        }),
      ),
    },
  }).createMachine({
    invoke: [
      { src: 'mail', systemId: mailActorId(mailDecky().uuid) },
      {
        src: 'p',
        id: 'persona',
        systemId: id,
        input: { mailDecky: mailDecky(), persona: KIM, peers: [KIM, LEE], at: new Date(start).toISOString(), seed: 77, ...tuning },
      },
    ],
    on: { 'PERSONA.STATUS': { actions: ({ event }) => reports.push((event as unknown as PersonaReport).status) } },
  });
  const root = createActor(harness, { clock }).start();
  const child = root.getSnapshot().children.persona!;
  const ctx = () => (child.getSnapshot() as ReturnType<typeof personaMachine.getInitialSnapshot>).context;
  return { clock, root, ctx, written, reports, child: () => child };
}
