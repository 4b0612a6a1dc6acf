import { createActor, fromCallback, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { workerBasics } from '../../../src/actors/worker/worker-basics.js';
import type { WorkerDeps } from '../../../src/actors/worker/worker-deps.js';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { FakeDocker } from '../../fakes/fake-docker.js';

function deps(over: Partial<WorkerDeps> = {}): WorkerDeps {
  const inventory = {} as WorkerDeps['inventory'];
  return { settings: { intervalMs: 5 }, inventory, bus: createMemoryBus({ logger: silentLogger }), logger: silentLogger, docker: new FakeDocker(), ...over };
}

describe('workerBasics', () => {
  it('passes only the exec bounds that are set', () => {
    expect(workerBasics('w', deps()).limits).toEqual({});
    expect(workerBasics('w', deps({ settings: { intervalMs: 5, execTimeoutMs: 100, execMaxOutputBytes: 9 } })).limits).toEqual({ timeoutMs: 100, maxOutputBytes: 9 });
  });

  it('with discovery off, discovery is one sync and nothing else, whatever is hosted', () => {
    const hosted = fromCallback(() => undefined);
    const logic = workerBasics('w', deps({ discover: false })).discovery(hosted);
    expect(logic).not.toBe(hosted);
    const synced: unknown[] = [];
    // a parent that invokes it sees exactly one sync
    const parent = setup({ actors: { discovery: logic } }).createMachine({
      invoke: { src: 'discovery', input: { resyncMs: 1 } },
      on: { '*': { actions: ({ event }) => synced.push(event) } },
    });
    createActor(parent).start();
    expect(synced).toEqual([{ type: 'DISCOVERY.SYNCED' }]);
  });

  it('with discovery on, hosted discovery wins over the local engine', () => {
    const hosted = fromCallback(() => undefined);
    expect(workerBasics('w', deps()).discovery(hosted)).toBe(hosted);
    expect(workerBasics('w', deps()).discovery()).not.toBe(hosted);
  });

  it('publishes a heartbeat on system.<worker>.health, stamped with the worker and the injected clock', () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const seen: Envelope[] = [];
    bus.subscribe('system.w.health', (e) => seen.push(e));
    workerBasics('w', deps({ bus, now: () => new Date('2026-01-02T03:04:05.000Z') })).publishHealth({ ticks: 3 });
    expect(seen).toMatchObject([{ type: 'worker.health', payload: { worker: 'w', ts: '2026-01-02T03:04:05.000Z', ticks: 3 } }]);
  });
});
