import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { createHarness, flush } from './supervisor-harness.js';

const fleet = (n: number): RunningDecky[] =>
  Array.from({ length: n }, (_, i) => ({
    uuid: `local:n${i}`,
    name: `n${i}`,
    ip: `10.0.${i >> 8}.${(i & 255) + 1}`,
    services: ['ssh'],
    source: 'fleet' as const,
  }));

async function spawned(n: number) {
  const h = createHarness();
  h.actor.start();
  h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
  await flush();
  h.lists[0]!.resolve({ deckies: fleet(n), at: '2025-01-01T00:00:00.000Z' });
  await flush();
  return h;
}

describe('supervisor stop › a graceful stop of a big fleet', () => {
  it('stops every decky actor in time linear in the fleet, and leaves none registered', async () => {
    const h = await spawned(4_000);
    const refs = Object.entries(h.actor.getSnapshot().children)
      .filter(([id]) => id.startsWith('decky:'))
      .map(([, ref]) => ref!);
    expect(refs).toHaveLength(4_000);
    const t0 = performance.now();
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    await flush();
    const ms = performance.now() - t0;
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output?.reason).toBe('signal');
    // one child at a time (xstate's final-state stop) took ~8 s here; all at once takes well under one
    expect(ms).toBeLessThan(2_000);
    expect(refs.every((r) => r.getSnapshot().status === 'stopped')).toBe(true);
    expect(h.actor.system.get('decky:local:n0')).toBeUndefined();
  }, 60_000);

  it('cancels the backoff timers of every decky in one walk, not one walk of all timers per decky', async () => {
    const h = createHarness({ ratePerDeckyPerHour: 1e9, intervalMs: 500, decky: { failureThreshold: 1 } });
    h.actor.start();
    h.discovery.sendBack({ type: 'DISCOVERY.SYNCED' });
    await flush();
    h.lists[0]!.resolve({ deckies: fleet(4_000), at: '2025-01-01T00:00:00.000Z' });
    await flush();
    h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
    await flush();
    h.lists[1]!.resolve({ deckies: fleet(4_000), at: '2025-01-01T00:00:00.000Z' });
    await flush();
    for (const c of h.openActions()) {
      c.settled = true;
      c.reject(new Error('engine down'));
    }
    await flush();
    expect(Object.values(h.actor.getSnapshot().context.status).filter((s) => s === 'backingOff')).toHaveLength(4_000);
    const t0 = performance.now();
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    await flush();
    // a walk of all 4,000 timers per stopped decky took ~2.2 s here
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(Object.keys(h.actor.system.getSnapshot()._scheduledEvents)).toEqual([]);
  }, 60_000);

  it('stops a decky whose action outlived the drain bound, counts it abandoned, and aborts its call', async () => {
    const h = await spawned(2);
    h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
    await flush();
    h.lists[1]!.resolve({ deckies: fleet(2), at: '2025-01-01T00:00:00.000Z' });
    await flush();
    expect(h.openActions()).toHaveLength(1);
    const call = h.openActions()[0]!;
    const refs = [h.child('local:n0')!, h.child('local:n1')!];
    h.actor.send({ type: 'SUPERVISOR.STOP', reason: 'signal' });
    await flush();
    expect(h.actor.getSnapshot().value).toBe('draining');
    h.clock.increment(100);
    await flush();
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.actor.getSnapshot().output?.abandoned).toBe(1);
    expect(refs.map((r) => r.getSnapshot().status)).toEqual(['stopped', 'stopped']);
    // the shared driver ended the abandoned call with its decky: its exec would be let go
    expect(call.signal?.aborted).toBe(true);
  });
});
