import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { supervisorMachine } from '../../../src/machines/supervisor/supervisor.machine.js';
import { createHarness, DECKIES, DELAYS, flush, settleOne } from './supervisor-harness.js';

async function synced() {
  const h = createHarness();
  h.actor.start();
  h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
  await flush();
  settleOne(h.lists, (c) => c.input.reason === 'sync', h.snapshot());
  await flush();
  return h;
}

async function tick(h: Awaited<ReturnType<typeof synced>>) {
  h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
  await flush();
  settleOne(h.lists, (c) => c.input.reason === 'tick', h.snapshot());
  await flush();
}

describe('supervisorMachine', () => {
  it('when a decky actor throws, the system stays up, restarts it after a backoff, and keeps acting', async () => {
    const h = await synced();
    const before = h.child('local:a')!;
    before.send({ type: 'DECKY.UPDATE', decky: DECKIES[0] });
    await flush();
    expect(h.actor.getSnapshot().status).toBe('active');
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'error', msg: 'decky actor crashed; restarting with backoff' }));
    expect(h.child('local:a')).toBeUndefined();
    h.clock.increment(DELAYS.restart);
    await flush();
    expect(h.child('local:a')).toBeDefined();
    expect(h.child('local:a')).not.toBe(before);
    for (let i = 0; i < 3; i += 1) {
      await tick(h);
      h.finishActions();
      await flush();
    }
    expect(h.recorded.length).toBe(3);
    expect(h.actor.getSnapshot().status).toBe('active');
  });

  it('does not tick before the running set was read after the first discovery sync', async () => {
    const h = createHarness();
    h.actor.start();
    h.clock.increment(DELAYS.syncTimeout - 1);
    await flush();
    expect(h.lists).toEqual([]);
    expect(h.actor.getSnapshot().matches({ live: { schedule: 'syncing' } })).toBe(true);
    h.actor.stop();
  });

  it('starts ticking on the inventory as it is when discovery never syncs within syncTimeout', async () => {
    const h = createHarness();
    h.actor.start();
    h.clock.increment(DELAYS.syncTimeout);
    await flush();
    expect(h.logs).toContainEqual({ level: 'warn', msg: 'no discovery sync yet; ticking on the inventory' });
    expect(h.actor.getSnapshot().matches({ live: { schedule: 'waiting' } })).toBe(true);
    h.actor.stop();
  });

  it('ticks at human (exponential) delays: consecutive delays differ and stay within the bounds', async () => {
    const h = await synced();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      delays.push(h.actor.getSnapshot().context.nextTickMs);
      await tick(h);
      h.finishActions();
      await flush();
    }
    expect(new Set(delays).size).toBe(delays.length);
    for (const ms of delays) {
      expect(ms).toBeGreaterThanOrEqual(0.02 * 60_000);
      expect(ms).toBeLessThanOrEqual(6 * 60_000);
    }
  });

  it('publishes a heartbeat at start and every heartbeatInterval, with actor counts', async () => {
    const h = await synced();
    expect(h.heartbeats).toHaveLength(1);
    h.clock.increment(DELAYS.heartbeat);
    await flush();
    expect(h.heartbeats).toHaveLength(2);
    expect(h.heartbeats[1]!.actors).toEqual({ deckies: 2, idle: 2, starting: 0, acting: 0, backingOff: 0, restarting: 0 });
  });

  it('fails loudly when a named actor or action was not provided', () => {
    const actor = createActor(supervisorMachine, { input: { intervalMs: 1000, seed: 1 } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(String(errors[0])).toMatch(/not provided: publishHeartbeat/);
  });
});
