import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import type { EventDraft } from '../../../src/domain/event.js';
import { planRefreshed, planRunning, planTick } from '../../../src/machines/supervisor/supervisor.plan.js';
import {
  isQuiet,
  planAbandon,
  planAvailability,
  planCrash,
  planRecord,
  planRestart,
  planTrafficSent,
} from '../../../src/machines/supervisor/supervisor.routing.js';
import { restartDelay } from '../../../src/machines/supervisor/supervisor.setup.js';
import type { SupervisorContext } from '../../../src/machines/supervisor/supervisor.types.js';

const d = (name: string, over: Partial<RunningDecky> = {}): RunningDecky => ({
  uuid: `local:${name}`,
  name,
  ip: `10.0.0.${name.charCodeAt(0) % 200}`,
  services: ['ssh'],
  source: 'fleet',
  ...over,
});
const [A, B, C] = [d('a'), d('b'), d('c')];
const draft = (dst: string): EventDraft => ({
  kind: 'traffic',
  protocol: 'ssh',
  action: 'exec:tcp_connect:22',
  srcDeckyUuid: 'local:a',
  dstDeckyUuid: dst,
  success: true,
  payload: {},
});

function ctx(over: Partial<SupervisorContext> = {}): SupervisorContext {
  return {
    intervalMs: 60_000,
    ratePerDeckyPerHour: null,
    density: null,
    maxTicks: null,
    pruneEveryTicks: 100,
    resyncMs: 30_000,
    trafficShare: 0.5,
    tuning: { failureThreshold: 3, backoffBaseMs: 60_000, backoffMaxMs: 1_800_000 },
    deckies: { [A.uuid]: A, [B.uuid]: B },
    status: {},
    restarts: {},
    ticks: 0,
    rngState: 99,
    nextTickMs: 60_000,
    now: '2025-01-01T00:00:00.000Z',
    stopReason: null,
    abandoned: 0,
    recorded: 0,
    readFailures: 0,
    backlog: 0,
    ...over,
  };
}

describe('planRunning', () => {
  it('spawns new deckies as starting, stops gone ones, and updates changed ones', () => {
    const movedB = { ...B, ip: '10.9.9.9' };
    const plan = planRunning(ctx({ status: { [A.uuid]: 'acting' } }), [movedB, C]);
    expect(plan.patch.deckies).toEqual({ [B.uuid]: movedB, [C.uuid]: C });
    expect(plan.patch.status).toEqual({ [C.uuid]: 'starting' });
    expect(plan.effects).toEqual(
      expect.arrayContaining([
        { do: 'cancelRestart', uuid: A.uuid },
        { do: 'stop', uuid: A.uuid },
        { do: 'spawn', decky: C },
        { do: 'send', uuid: B.uuid, command: { type: 'DECKY.UPDATE', decky: movedB } },
      ]),
    );
  });
});

describe('planTick', () => {
  it('sends exactly one command per tick in original mode, to an idle eligible decky', () => {
    const plan = planTick(ctx({ status: { [A.uuid]: 'backingOff' }, deckies: { [A.uuid]: A, [B.uuid]: B, [C.uuid]: C } }));
    const sends = plan.effects.filter((e) => e.do === 'send');
    expect(sends).toHaveLength(1);
    expect(sends[0]).not.toMatchObject({ uuid: A.uuid });
    expect(JSON.stringify(sends[0])).not.toContain(A.uuid);
    expect(plan.patch.ticks).toBe(1);
  });

  it('in rate mode starts several actions in one tick on a big fleet, each decky at most once', () => {
    const fleet = Object.fromEntries(Array.from({ length: 200 }, (_, i) => d(`n${i}`)).map((x) => [x.uuid, x]));
    const plan = planTick(ctx({ deckies: fleet, ratePerDeckyPerHour: 60 }));
    const actors = plan.effects.filter((e) => e.do === 'send').map((e) => (e.do === 'send' ? e.uuid : ''));
    expect(actors.length).toBeGreaterThan(100);
    expect(new Set(actors).size).toBe(actors.length);
  });

  it('logs the idle line with running, ssh_eligible and per-source counts when nothing can act', () => {
    const mail = d('m', { services: ['imap'], source: 'topology' });
    const plan = planTick(ctx({ deckies: { [mail.uuid]: mail, [A.uuid]: A }, status: { [A.uuid]: 'acting' } }));
    expect(plan.effects.filter((e) => e.do === 'send')).toEqual([]);
    expect(plan.effects).toContainEqual({
      do: 'log',
      params: {
        level: 'debug',
        msg: 'tick idle',
        fields: { tick: 1, running: 2, ssh_eligible: 1, available: 0, sources: { topology: 1, fleet: 1, shard: 0 } },
      },
    });
  });

  it('continues the random sequence and jitters the next delay', () => {
    const first = planTick(ctx());
    const second = planTick(ctx({ ...first.patch }));
    expect(first.patch.rngState).not.toBe(99);
    expect(second.patch.rngState).not.toBe(first.patch.rngState);
    expect(first.patch.nextTickMs).not.toBe(60_000);
  });

  it('marks the stop reason when the tick limit is reached', () => {
    expect(planTick(ctx({ maxTicks: 2, ticks: 1 })).patch.stopReason).toBe('ticks');
    expect(planTick(ctx({ maxTicks: 3, ticks: 1 })).patch.stopReason).toBeUndefined();
  });

  it('after a failed inventory read, ticks on the last known set and says so', () => {
    const plan = planRefreshed(ctx(), null, new Error('locked'));
    expect(plan.effects[0]).toMatchObject({ do: 'log', params: { level: 'warn', fields: { err: 'locked' } } });
    expect(plan.effects.filter((e) => e.do === 'send')).toHaveLength(1);
  });

  it('warns once while the store keeps failing reads, still ticking, and says when reads recover', () => {
    const first = planRefreshed(ctx(), null, new Error('locked'));
    const second = planRefreshed(ctx(first.patch), null, new Error('locked'));
    const levels = (p: typeof first) =>
      p.effects.flatMap((e) => (e.do === 'log' && e.params.msg.startsWith('inventory read') ? [e.params.level] : []));
    expect(levels(first)).toEqual(['warn']);
    expect(levels(second)).toEqual(['debug']);
    expect(second.patch.readFailures).toBe(2);
    expect(second.effects.filter((e) => e.do === 'send')).toHaveLength(1);
    const back = planRefreshed(ctx(second.patch), { deckies: [A, B], at: '2025-01-01T00:01:00.000Z' });
    expect(back.effects).toContainEqual({
      do: 'log',
      params: { level: 'info', msg: 'inventory read recovered', fields: { failedTicks: 2 } },
    });
    expect(back.patch.readFailures).toBe(0);
  });
});

describe('routing', () => {
  it('records traffic itself in the one plan of its outcome: no message to the destination, whatever its state', () => {
    for (const status of [{}, { [B.uuid]: 'acting' as const }, { [B.uuid]: 'restarting' as const }]) {
      const plan = planTrafficSent(ctx({ status: { ...status, [A.uuid]: 'acting' } }), {
        type: 'DECKY.TRAFFIC_SENT',
        src: A.uuid,
        dst: B.uuid,
        draft: draft(B.uuid),
        status: 'idle',
      });
      expect(plan.effects).toEqual([{ do: 'record', draft: draft(B.uuid) }]);
      // the destination's status is left as it was, and nothing stays in flight for it: quiet
      // unless the destination is running an action of its own
      expect(plan.patch.status).toEqual(status);
      expect(isQuiet(ctx(plan.patch))).toBe(status[B.uuid] !== 'acting');
    }
    const gone = planTrafficSent(ctx(), {
      type: 'DECKY.TRAFFIC_SENT',
      src: A.uuid,
      dst: 'local:zz',
      draft: draft('local:zz'),
      status: 'idle',
    });
    expect(gone.effects).toEqual([{ do: 'record', draft: draft('local:zz') }]);
  });

  it('settles the source with its outcome report: idle frees it, backingOff warns, the row is recorded either way', () => {
    const sent = planTrafficSent(ctx({ status: { [A.uuid]: 'acting' } }), {
      type: 'DECKY.TRAFFIC_SENT',
      src: A.uuid,
      dst: B.uuid,
      draft: draft(B.uuid),
      status: 'idle',
    });
    expect(sent.patch.status).toEqual({});
    expect(sent.effects).toEqual([{ do: 'record', draft: draft(B.uuid) }]);
    const file = { ...draft(A.uuid), kind: 'file' as const, srcDeckyUuid: null };
    const failed = planRecord(ctx({ status: { [A.uuid]: 'acting' } }), {
      type: 'DECKY.RECORD',
      uuid: A.uuid,
      draft: file,
      status: 'backingOff',
    });
    expect(failed.patch.status).toEqual({ [A.uuid]: 'backingOff' });
    expect(failed.effects.map((e) => e.do)).toEqual(['record', 'log']);
  });

  it('gives a source that settles idle the backlog at once, after recording its traffic', () => {
    const rate = { ratePerDeckyPerHour: 1e9, backlog: 2, status: { [A.uuid]: 'acting' as const } };
    const plan = planTrafficSent(ctx(rate), { type: 'DECKY.TRAFFIC_SENT', src: A.uuid, dst: B.uuid, draft: draft(B.uuid), status: 'idle' });
    expect(plan.effects[0]).toEqual({ do: 'record', draft: draft(B.uuid) });
    const sends = plan.effects.filter((e) => e.do === 'send');
    expect(sends.map((e) => [e.uuid, e.command.type])).toEqual([[A.uuid, expect.stringMatching(/^DECKY\.(SEND_TRAFFIC|PLANT_FILE)$/)]]);
    expect(plan.patch).toMatchObject({ backlog: 1, status: { [A.uuid]: 'acting' } });
    // sent at once and marked acting here: no `ack` asked of the decky
    expect(sends[0]!.command).not.toHaveProperty('ack');
  });

  it('takes availability reports, ignoring those of actors it no longer owns', () => {
    const busy = planAvailability(ctx(), { type: 'DECKY.AVAILABILITY', uuid: A.uuid, available: false, status: 'backingOff' });
    expect(busy.patch.status).toEqual({ [A.uuid]: 'backingOff' });
    expect(busy.effects).toMatchObject([{ do: 'log', params: { level: 'warn' } }]);
    expect(
      planAvailability(ctx(busy.patch), { type: 'DECKY.AVAILABILITY', uuid: A.uuid, available: true, status: 'idle' }).patch.status,
    ).toEqual({});
    expect(planAvailability(ctx(), { type: 'DECKY.AVAILABILITY', uuid: 'local:zz', available: true, status: 'idle' }).patch).toEqual({});
  });

  it('takes a crashed decky out of the policy and restarts it later as starting', () => {
    const crashed = planCrash(ctx({ status: { [B.uuid]: 'acting' } }), B.uuid, new Error('bug'));
    expect(crashed.patch).toMatchObject({ status: { [B.uuid]: 'restarting' }, restarts: { [B.uuid]: 1 } });
    expect(crashed.effects.map((e) => e.do)).toEqual(['log', 'stop', 'scheduleRestart']);
    expect(isQuiet(ctx(crashed.patch))).toBe(true);
    const restarted = planRestart(ctx(crashed.patch), B.uuid);
    expect(restarted.patch.status).toEqual({ [B.uuid]: 'starting' });
    expect(restarted.effects[0]).toEqual({ do: 'spawn', decky: B });
    expect(planRestart(ctx(), B.uuid).effects).toEqual([]);
  });

  it('restarts crashed deckies with a doubling, capped delay', () => {
    expect([1, 2, 3, 4].map(restartDelay)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(restartDelay(50)).toBe(60_000);
  });

  it('at the drain bound counts abandoned actions and drops the commands still waiting', () => {
    const plan = planAbandon(ctx({ status: { [A.uuid]: 'acting', [B.uuid]: 'backingOff', [C.uuid]: 'scheduled' } }));
    expect(plan.patch).toMatchObject({ abandoned: 2 });
    expect(plan.effects.filter((e) => e.do !== 'log')).toEqual([{ do: 'cancelDispatch', uuid: C.uuid }]);
  });
});

describe('planTick in density mode (--actions-per-day)', () => {
  it('acts through a Tuesday morning in the deckies’ zone and all but stops on a Sunday night', () => {
    const fleet = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => d(`h${i}`, { ip: `10.1.${i >> 8}.${i & 255}` })).map((x) => [x.uuid, x]),
    );
    const density = { actionsPerDay: 24, timeZone: 'Europe/Berlin' };
    const actions = (now: string) => {
      let total = 0;
      for (let seed = 1; seed <= 30; seed += 1)
        total += planTick(ctx({ deckies: fleet, density, now, rngState: seed })).effects.filter((e) => e.do === 'send').length;
      return total;
    };
    // 10:00 on a Tuesday and 03:00 on a Sunday, Berlin time
    const busy = actions('2026-11-24T09:00:00.000Z');
    const quiet = actions('2026-11-29T02:00:00.000Z');
    // ~200 deckies × ~2.5 actions/hour × 1 minute × 30 ticks ≈ 250
    expect(busy).toBeGreaterThan(100);
    expect(quiet).toBeLessThan(busy / 20);
  });
});
