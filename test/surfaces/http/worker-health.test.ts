import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { trackWorkerHealth } from '../../../src/surfaces/http/worker-health.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';

function setup() {
  let t = 1_000_000;
  const bus = createMemoryBus({ logger: silentLogger });
  const tracker = trackWorkerHealth({ bus, now: () => t });
  const advance = (ms: number): void => {
    t += ms;
  };
  return { bus, tracker, advance };
}

const statuses = (list: { worker: string; status: string }[]) => Object.fromEntries(list.map((w) => [w.worker, w.status]));

describe('trackWorkerHealth', () => {
  it('lists both workers as unknown before any heartbeat', () => {
    const { tracker } = setup();
    expect(tracker.list()).toEqual([
      { worker: 'orchestrator', status: 'unknown', lastSeen: null, extra: {} },
      { worker: 'emailgen', status: 'unknown', lastSeen: null, extra: {} },
    ]);
  });

  it('is ok under 90 s after a heartbeat and stale from 90 s on', () => {
    const { bus, tracker, advance } = setup();
    bus.publish('system.emailgen.health', 'heartbeat', { worker: 'emailgen', ts: 'x', breaker: 'closed' });
    expect(statuses(tracker.list())).toEqual({ orchestrator: 'unknown', emailgen: 'ok' });
    expect(tracker.list()[1]!.extra).toEqual({ breaker: 'closed' });
    advance(89_999);
    expect(statuses(tracker.list()).emailgen).toBe('ok');
    advance(1);
    expect(statuses(tracker.list()).emailgen).toBe('stale');
    bus.publish('system.emailgen.health', 'heartbeat', { worker: 'emailgen' });
    expect(statuses(tracker.list()).emailgen).toBe('ok');
  });

  it('adds workers it did not expect, ignores other topics, and stops listening on stop', () => {
    const { bus, tracker } = setup();
    bus.publish('system.reaper.health', 'heartbeat', {});
    bus.publish('system.orchestrator.control', 'control', { action: 'stop' });
    expect(statuses(tracker.list())).toEqual({ orchestrator: 'unknown', emailgen: 'unknown', reaper: 'ok' });
    tracker.stop();
    bus.publish('system.orchestrator.health', 'heartbeat', {});
    expect(statuses(tracker.list()).orchestrator).toBe('unknown');
  });

  it('cannot be flooded with worker names', () => {
    const { bus, tracker } = setup();
    for (let i = 0; i < 500; i += 1) bus.publish(`system.w${i}.health`, 'heartbeat', {});
    expect(tracker.list().length).toBe(64);
  });
});
