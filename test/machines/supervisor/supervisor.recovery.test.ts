import { describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../../src/machines/decky/decky.types.js';
import { createHarness, flush, settleOne } from './supervisor-harness.js';

type H = ReturnType<typeof createHarness>;

const failed = (kind: 'traffic' | 'file'): ActionOutcome => ({
  kind,
  action: kind === 'traffic' ? 'exec:tcp_connect:22' : 'file:create',
  success: false,
  payload: { rc: 125, stderr: 'connect ENOENT /var/run/docker.sock' },
  at: '2025-01-01T00:00:00.000Z',
});

async function sync(h: H, report: { type: string; recovered?: boolean }) {
  h.discovery.sendBack(report);
  await flush();
  settleOne(h.lists, (c) => c.input.reason === 'sync', h.snapshot());
  await flush();
}

async function tick(h: H) {
  h.clock.increment(h.actor.getSnapshot().context.nextTickMs);
  await flush();
  settleOne(h.lists, (c) => c.input.reason === 'tick', h.snapshot());
  await flush();
}

// every open action fails, as every exec does while the engine is away
async function failAll(h: H) {
  for (const c of h.openActions()) {
    c.settled = true;
    c.resolve(failed('src' in c.input ? 'traffic' : 'file'));
  }
  await flush();
}

// both deckies fail into a backoff far longer than the test
async function bothBackingOff(): Promise<H> {
  const h = createHarness({ decky: { failureThreshold: 1, backoffBaseMs: 1e9, backoffMaxMs: 1e9 } });
  h.actor.start();
  await sync(h, { type: 'DISCOVERY.SYNCED' });
  for (let i = 0; i < 2; i += 1) {
    await tick(h);
    await failAll(h);
  }
  expect(h.actor.getSnapshot().context.status).toEqual({ 'local:a': 'backingOff', 'local:b': 'backingOff' });
  return h;
}

describe('supervisorMachine › when its Docker engine comes back after an outage', () => {
  it('resumes the deckies that backed off while it was away, so actions start again at the next tick', async () => {
    const h = await bothBackingOff();
    await tick(h);
    expect(h.openActions()).toHaveLength(0);

    await sync(h, { type: 'DISCOVERY.SYNCED', recovered: true });
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'Docker engine answers again; resuming deckies that backed off' }),
    );
    expect(h.actor.getSnapshot().context.status).toEqual({});
    await tick(h);
    expect(h.openActions()).toHaveLength(1);
  });

  it('leaves backoffs alone on an ordinary sync: a decky failing on a healthy engine keeps backing off', async () => {
    const h = await bothBackingOff();
    await sync(h, { type: 'DISCOVERY.SYNCED' });
    expect(h.actor.getSnapshot().context.status).toEqual({ 'local:a': 'backingOff', 'local:b': 'backingOff' });
    await tick(h);
    expect(h.openActions()).toHaveLength(0);
  });
});
