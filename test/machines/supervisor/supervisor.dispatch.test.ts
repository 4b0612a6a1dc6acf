import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { supervisorMachine } from '../../../src/machines/supervisor/supervisor.machine.js';
import { planRefreshed, planRunning, planStop, planTick, SPREAD_MIN_MS } from '../../../src/machines/supervisor/supervisor.plan.js';
import { isQuiet, planAbandon, planAvailability } from '../../../src/machines/supervisor/supervisor.routing.js';
import type { Effect, SupervisorContext, SupervisorInput } from '../../../src/machines/supervisor/supervisor.types.js';
import { createHarness, flush } from './supervisor-harness.js';

const fleet = (n: number): RunningDecky[] =>
  Array.from({ length: n }, (_, i) => ({
    uuid: `local:n${i}`,
    name: `n${i}`,
    ip: `10.0.${i >> 8}.${(i & 255) + 1}`,
    services: ['ssh'],
    source: 'fleet' as const,
  }));

// the supervisor's own initial context for an input (the actor is never started)
function ctx(input: Partial<SupervisorInput>, over: Partial<SupervisorContext> = {}): SupervisorContext {
  const base = createActor(supervisorMachine, { input: { intervalMs: 60_000, seed: 5, ...input } }).getSnapshot().context;
  return { ...base, now: '2025-01-01T00:00:00.000Z', ...over };
}

const sends = (effects: Effect[]) => effects.filter((e): e is Extract<Effect, { do: 'send' }> => e.do === 'send');
const byUuid = (deckies: RunningDecky[]) => Object.fromEntries(deckies.map((d) => [d.uuid, d]));

describe('supervisor dispatch › rate mode spreads a tick over its interval', () => {
  it('gives each command its own moment inside one mean interval and holds its decky as scheduled', () => {
    const plan = planTick(ctx({ ratePerDeckyPerHour: 60 }, { deckies: byUuid(fleet(300)) }));
    const out = sends(plan.effects);
    expect(out.length).toBeGreaterThan(100);
    const next = 60_000;
    for (const s of out) {
      expect(s.delayMs).toBeGreaterThanOrEqual(0);
      expect(s.delayMs).toBeLessThan(next);
      expect(plan.patch.status![s.uuid]).toBe('scheduled');
      // delivered later: the decky is asked to say when it starts (scheduled → acting)
      expect(s.command).toMatchObject({ ack: true });
    }
    // not a burst: the moments cover the interval
    const delays = out.map((s) => s.delayMs!).sort((a, b) => a - b);
    expect(delays[delays.length - 1]! - delays[0]!).toBeGreaterThan(next / 2);
  });

  it('starts the last tick of --ticks at once, so its actions run before the drain', () => {
    const plan = planTick(ctx({ ratePerDeckyPerHour: 60, ticks: 1 }, { deckies: byUuid(fleet(300)) }));
    expect(sends(plan.effects).length).toBeGreaterThan(0);
    expect(sends(plan.effects).every((s) => s.delayMs === undefined)).toBe(true);
  });

  it('starts everything at once when the interval is shorter than SPREAD_MIN_MS, and in original mode', () => {
    const short = planTick(ctx({ ratePerDeckyPerHour: 3_600_000, intervalMs: SPREAD_MIN_MS / 100 }, { deckies: byUuid(fleet(50)) }));
    expect(sends(short.effects).length).toBeGreaterThan(0);
    expect(sends(short.effects).every((s) => s.delayMs === undefined)).toBe(true);
    // sent at once and marked acting by the tick itself: no start report asked
    expect(sends(short.effects).some((s) => 'ack' in s.command)).toBe(false);
    const original = planTick(ctx({}, { deckies: byUuid(fleet(50)) }));
    expect(sends(original.effects)).toHaveLength(1);
    expect(sends(original.effects)[0]!.delayMs).toBeUndefined();
  });

  it('on stop drops the commands still waiting, keeps the ones running, and is quiet only then', () => {
    const c = ctx({}, { deckies: byUuid(fleet(3)), status: { 'local:n0': 'scheduled', 'local:n1': 'acting' } });
    expect(isQuiet(c)).toBe(false);
    const plan = planStop(c, 'signal');
    expect(plan.effects).toEqual([{ do: 'cancelDispatch', uuid: 'local:n0' }]);
    expect(plan.patch).toEqual({ stopReason: 'signal', status: { 'local:n1': 'acting' }, backlog: 0 });
    expect(isQuiet(ctx({}, { status: { 'local:n1': 'acting' } }))).toBe(false);
    expect(isQuiet(ctx({}, { status: { 'local:n2': 'backingOff' } }))).toBe(true);
  });

  it('past the drain bound counts scheduled commands as abandoned and cancels them', () => {
    const plan = planAbandon(ctx({}, { status: { 'local:n0': 'scheduled', 'local:n1': 'acting' } }));
    expect(plan.patch.abandoned).toBe(2);
    expect(plan.effects).toContainEqual({ do: 'cancelDispatch', uuid: 'local:n0' });
  });
});

describe('supervisor dispatch › a big fleet costs O(n), not O(n²)', () => {
  it('takes availability reports without copying the status map', () => {
    const deckies = fleet(3);
    const c = ctx({}, { deckies: byUuid(deckies), status: { 'local:n0': 'starting', 'local:n1': 'starting' } });
    const status = c.status;
    const plan = planAvailability(c, { type: 'DECKY.AVAILABILITY', uuid: 'local:n0', available: true, status: 'idle' });
    expect(plan.patch.status).toBe(status);
    expect(status).toEqual({ 'local:n1': 'starting' });
  });

  it('spawns two thousand decky actors from one inventory read, each once', async () => {
    const h = createHarness();
    h.actor.start();
    h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
    await flush();
    const deckies = fleet(2_000);
    const t0 = performance.now();
    h.lists[0]!.resolve({ deckies, at: '2025-01-01T00:00:00.000Z' });
    await flush();
    const children = Object.keys(h.actor.getSnapshot().children).filter((id) => id.startsWith('decky:'));
    expect(children).toHaveLength(2_000);
    expect(planRunning(h.actor.getSnapshot().context, deckies).effects.filter((e) => e.do === 'spawn')).toEqual([]);
    // every decky reported idle: the status map is empty again
    expect(Object.keys(h.actor.getSnapshot().context.status)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(5_000);
    h.actor.stop();
  });
});

describe('supervisor dispatch › on the real machine', () => {
  async function ticked() {
    const h = createHarness({ ratePerDeckyPerHour: 3_600_000, intervalMs: 10_000 });
    h.actor.start();
    h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
    await flush();
    h.lists[0]!.resolve(h.snapshot());
    await flush();
    h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
    await flush();
    h.lists[1]!.resolve(h.snapshot());
    await flush();
    return h;
  }

  it('delivers a scheduled command only when its moment comes', async () => {
    const h = await ticked();
    const status = h.actor.getSnapshot().context.status;
    expect(Object.values(status)).toContain('scheduled');
    expect(h.openActions()).toHaveLength(0);
    h.clock.increment(6 * 10_000);
    await flush();
    expect(h.openActions().length).toBeGreaterThan(0);
    expect(Object.values(h.actor.getSnapshot().context.status)).not.toContain('scheduled');
    h.actor.stop();
  });

  it('drains a delivered command on stop: its decky said it started, so it is not dropped as waiting', async () => {
    const h = await ticked();
    h.clock.increment(6 * 10_000);
    await flush();
    const open = h.openActions().length;
    expect(open).toBeGreaterThan(0);
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    await flush();
    expect(h.actor.getSnapshot().value).toBe('draining');
    expect(h.finishActions()).toBe(open);
    await flush();
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output).toMatchObject({ abandoned: 0, reason: 'signal' });
  });

  it('stops at once when nothing started yet, and the dropped commands never reach a driver', async () => {
    const h = await ticked();
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    await flush();
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output?.abandoned).toBe(0);
    h.clock.increment(6 * 10_000);
    await flush();
    expect(h.traffic.length + h.files.length).toBe(0);
  });
});

describe('supervisor dispatch › a reused inventory read', () => {
  it('is not reconciled again, but still ticks', () => {
    const deckies = fleet(3);
    const c = ctx({}, { deckies: byUuid(deckies) });
    const moved = [{ ...deckies[0]!, ip: '10.9.9.9' }, deckies[1]!];
    const reused = planRefreshed(c, { deckies: moved, at: '2025-01-01T00:00:01.000Z', fresh: false });
    expect(
      reused.effects.filter((e) => e.do === 'stop' || e.do === 'spawn' || (e.do === 'send' && e.command.type === 'DECKY.UPDATE')),
    ).toEqual([]);
    expect(reused.patch.ticks).toBe(1);
    const fresh = planRefreshed(c, { deckies: moved, at: '2025-01-01T00:00:01.000Z' });
    expect(fresh.effects).toContainEqual({ do: 'stop', uuid: 'local:n2' });
  });
});
