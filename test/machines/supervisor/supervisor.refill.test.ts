import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { supervisorMachine } from '../../../src/machines/supervisor/supervisor.machine.js';
import { planTick } from '../../../src/machines/supervisor/supervisor.plan.js';
import { eligibleOf, planRefill } from '../../../src/machines/supervisor/supervisor.refill.js';
import { planAvailability } from '../../../src/machines/supervisor/supervisor.routing.js';
import type { Effect, SupervisorContext, SupervisorInput } from '../../../src/machines/supervisor/supervisor.types.js';
import { createHarness, flush } from './supervisor-harness.js';

const fleet = (n: number, over: Partial<RunningDecky> = {}): RunningDecky[] =>
  Array.from({ length: n }, (_, i) => ({
    uuid: `local:n${i}`,
    name: `n${i}`,
    ip: `10.0.0.${i + 1}`,
    services: ['ssh'],
    source: 'fleet' as const,
    ...over,
  }));
const byUuid = (deckies: RunningDecky[]) => Object.fromEntries(deckies.map((d) => [d.uuid, d]));

function ctx(input: Partial<SupervisorInput>, over: Partial<SupervisorContext> = {}): SupervisorContext {
  const base = createActor(supervisorMachine, { input: { intervalMs: 500, seed: 7, ...input } }).getSnapshot().context;
  return { ...base, now: '2025-01-01T00:00:00.000Z', ...over };
}
const sends = (effects: Effect[]) => effects.filter((e): e is Extract<Effect, { do: 'send' }> => e.do === 'send');
const idle = (uuid: string) => ({ type: 'DECKY.AVAILABILITY' as const, uuid, available: true, status: 'idle' as const });

describe('supervisor refill › a tick that wants more than its idle pool', () => {
  it('keeps the excess as backlog, and a tick that finds nobody idle keeps the backlog it had', () => {
    const plan = planTick(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies: byUuid(fleet(4)) }));
    expect(sends(plan.effects)).toHaveLength(4);
    expect(plan.patch.backlog).toBeGreaterThan(1_000);
    const busy = { 'local:n0': 'acting', 'local:n1': 'acting', 'local:n2': 'acting', 'local:n3': 'acting' } as const;
    const none = planTick(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies: byUuid(fleet(4)), status: { ...busy }, backlog: 17 }));
    expect(sends(none.effects)).toHaveLength(0);
    expect(none.patch.backlog).toBe(17);
  });

  it('has no backlog in original mode, on the last --ticks tick, or when the pool takes the whole draw', () => {
    expect(planTick(ctx({}, { deckies: byUuid(fleet(4)), backlog: 5 })).patch.backlog).toBe(0);
    expect(planTick(ctx({ ratePerDeckyPerHour: 1e9, ticks: 1 }, { deckies: byUuid(fleet(4)) })).patch.backlog).toBe(0);
    expect(planTick(ctx({ ratePerDeckyPerHour: 1 }, { deckies: byUuid(fleet(4)) })).patch.backlog).toBe(0);
  });
});

describe('supervisor refill › a decky that reports idle while demand is unmet', () => {
  it('gets the next action at once, as source of traffic to a distinct peer or as a file target', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 40; seed += 1) {
      const c = ctx({ ratePerDeckyPerHour: 1e9, seed }, { deckies: byUuid(fleet(3)), status: { 'local:n1': 'acting' }, backlog: 3 });
      const plan = planAvailability(c, idle('local:n1'));
      const [send] = sends(plan.effects);
      expect(send?.uuid).toBe('local:n1');
      expect(send?.delayMs).toBeUndefined();
      kinds.add(send!.command.type);
      if (send!.command.type === 'DECKY.SEND_TRAFFIC') expect(send!.command.dst.uuid).not.toBe('local:n1');
      expect(plan.patch.status!['local:n1']).toBe('acting');
      expect(plan.patch.backlog).toBe(2);
      expect(plan.patch.rngState).not.toBe(c.rngState);
    }
    expect(kinds).toEqual(new Set(['DECKY.SEND_TRAFFIC', 'DECKY.PLANT_FILE']));
  });

  it('only sends traffic to a peer it can reach: a lone decky on its host plants a file instead', () => {
    const mixed = [
      ...fleet(1),
      ...fleet(3)
        .slice(1)
        .map((d) => ({ ...d, hostUuid: 'far' })),
    ];
    for (let seed = 1; seed <= 20; seed += 1) {
      const plan = planRefill(ctx({ ratePerDeckyPerHour: 1e9, seed, trafficShare: 1 }, { deckies: byUuid(mixed), backlog: 1 }), 'local:n0');
      expect(sends(plan!.effects)[0]!.command.type).toBe('DECKY.PLANT_FILE');
    }
  });

  it('is left idle with no backlog, after a stop, when it is not ssh-eligible, or on reports other than idle', () => {
    const deckies = byUuid([...fleet(2), { uuid: 'local:x', name: 'x', ip: null, services: ['ssh'], source: 'fleet' }]);
    expect(sends(planAvailability(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies, backlog: 0 }), idle('local:n0')).effects)).toEqual([]);
    expect(
      sends(planAvailability(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies, backlog: 9, stopReason: 'signal' }), idle('local:n0')).effects),
    ).toEqual([]);
    expect(sends(planAvailability(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies, backlog: 9 }), idle('local:x')).effects)).toEqual([]);
    const acting = { type: 'DECKY.AVAILABILITY' as const, uuid: 'local:n0', available: false, status: 'acting' as const };
    expect(sends(planAvailability(ctx({ ratePerDeckyPerHour: 1e9 }, { deckies, backlog: 9 }), acting).effects)).toEqual([]);
  });

  it('computes the eligible list once per running set', () => {
    const deckies = byUuid(fleet(3));
    expect(eligibleOf(deckies)).toBe(eligibleOf(deckies));
    expect(eligibleOf(deckies)).toHaveLength(3);
  });
});

describe('supervisor refill › on the real machine', () => {
  it('starts the next action when one finishes, without waiting for a tick, and stops refilling on stop', async () => {
    const h = createHarness({ ratePerDeckyPerHour: 1e9, intervalMs: 500 });
    h.actor.start();
    h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
    await flush();
    h.lists[0]!.resolve(h.snapshot());
    await flush();
    h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
    await flush();
    h.lists[1]!.resolve(h.snapshot());
    await flush();
    expect(h.openActions()).toHaveLength(2);
    const ticks = h.actor.getSnapshot().context.ticks;
    expect(h.finishActions()).toBe(2);
    await flush();
    // no clock step, no new tick: both deckies took their next action on their idle report
    expect(h.actor.getSnapshot().context.ticks).toBe(ticks);
    expect(h.openActions()).toHaveLength(2);
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    h.finishActions();
    await flush();
    expect(h.openActions()).toHaveLength(0);
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output?.abandoned).toBe(0);
  });
});
