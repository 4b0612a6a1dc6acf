import { assign, createActor, setup, stopChild } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createPlantFileCall } from '../../src/actors/plant-file.actor.js';
import { createSendTrafficCall } from '../../src/actors/send-traffic.actor.js';
import type { DockerPort, ExecRequest, ExecResult } from '../../src/infra/docker/docker.port.js';
import type { RunningDecky } from '../../src/domain/decky.js';
import { deckyDriver } from '../../src/actors/drivers/decky-driver.actor.js';
import { DRIVER_ID } from '../../src/machines/decky/decky.types.js';
import { deckyMachine } from '../../src/machines/decky/decky.machine.js';

// an engine whose execs never end on their own: only an abort answers them
class StuckEngine implements DockerPort {
  readonly hostId = 'local';
  readonly requests: ExecRequest[] = [];
  exec(req: ExecRequest): Promise<ExecResult> {
    this.requests.push(req);
    return new Promise((resolve) => {
      req.signal?.addEventListener('abort', () =>
        resolve({ rc: 125, stdout: '', stderr: 'aborted', timedOut: false, truncated: false, durationMs: 0 }),
      );
    });
  }
  listDeckyContainers(): Promise<never> {
    throw new Error('not implemented: listDeckyContainers');
  }
  watchEvents(): never {
    throw new Error('not implemented: watchEvents');
  }
  ping(): Promise<never> {
    throw new Error('not implemented: ping');
  }
  readFile(): Promise<never> {
    throw new Error('not implemented: readFile');
  }
}

const decky = (name: string): RunningDecky => ({ uuid: `local:${name}`, name, ip: '10.0.0.2', services: ['ssh'], source: 'fleet' });

describe('driver calls › when their signal aborts mid-exec (drain bound passed, decky gone)', () => {
  it('sendTraffic aborts its exec instead of leaving it to the timeout', async () => {
    const engine = new StuckEngine();
    const controller = new AbortController();
    const call = createSendTrafficCall({ dockerFor: () => engine })(
      { src: decky('web01'), dst: { uuid: 'local:web02', name: 'web02', ip: '10.0.0.3' } },
      controller.signal,
    );
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]!.signal?.aborted).toBe(false);
    controller.abort();
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
    await call;
  });

  it('plantFile aborts its exec instead of leaving it to the timeout', async () => {
    const engine = new StuckEngine();
    const controller = new AbortController();
    const call = createPlantFileCall({ dockerFor: () => engine })(
      { dst: decky('web01'), plan: { path: '/tmp/x.txt', content: 'x\n' } },
      controller.signal,
    );
    expect(engine.requests).toHaveLength(1);
    controller.abort();
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
    await call;
  });
});

describe("a decky actor on the runtime's driver › when stopped mid-exec", () => {
  it('aborts the exec its driver runs, whichever action it is', async () => {
    for (const command of [
      { type: 'DECKY.SEND_TRAFFIC' as const, dst: { uuid: 'local:web02', name: 'web02', ip: '10.0.0.3' } },
      { type: 'DECKY.PLANT_FILE' as const, plan: { path: '/tmp/x.txt', content: 'x\n' } },
    ]) {
      const engine = new StuckEngine();
      const deps = { dockerFor: () => engine };
      const driver = deckyDriver({ sendTraffic: createSendTrafficCall(deps), plantFile: createPlantFileCall(deps) });
      // the supervisor's place is taken by a host that runs the driver and ignores reports
      const host = setup({ actors: { decky: deckyMachine, driver } }).createMachine({
        invoke: [
          { src: 'decky', id: 'decky', input: { decky: decky('web01') } },
          { src: 'driver', id: 'driver', systemId: DRIVER_ID },
        ],
      });
      const root = createActor(host).start();
      root.getSnapshot().children.decky!.send(command);
      await new Promise((r) => setImmediate(r));
      expect(engine.requests).toHaveLength(1);
      expect(engine.requests[0]!.signal?.aborted).toBe(false);
      root.stop();
      expect(engine.requests[0]!.signal?.aborted).toBe(true);
    }
  });

  it('aborts the exec of the one decky stopped, and no other', async () => {
    const engine = new StuckEngine();
    const deps = { dockerFor: () => engine };
    const driver = deckyDriver({ sendTraffic: createSendTrafficCall(deps), plantFile: createPlantFileCall(deps) });
    const host = setup({ actors: { decky: deckyMachine, driver } }).createMachine({
      invoke: [{ src: 'driver', id: 'driver', systemId: DRIVER_ID }],
      on: {
        SPAWN: {
          actions: assign(({ spawn }) => ({
            a: spawn('decky', { id: 'a', input: { decky: decky('a') } }),
            b: spawn('decky', { id: 'b', input: { decky: decky('b') } }),
          })),
        },
        STOP_A: { actions: stopChild('a') },
      },
    });
    const root = createActor(host).start();
    root.send({ type: 'SPAWN' });
    for (const id of ['a', 'b'])
      root.getSnapshot().children[id]!.send({ type: 'DECKY.PLANT_FILE', plan: { path: '/tmp/x.txt', content: 'x\n' } });
    await new Promise((r) => setImmediate(r));
    expect(engine.requests.map((r) => r.signal?.aborted)).toEqual([false, false]);
    root.send({ type: 'STOP_A' });
    await new Promise((r) => setImmediate(r));
    expect(engine.requests.map((r) => r.signal?.aborted)).toEqual([true, false]);
    root.stop();
    expect(engine.requests.map((r) => r.signal?.aborted)).toEqual([true, true]);
  });

  it('aborts the exec of a decky actor that fails mid-action', async () => {
    const engine = new StuckEngine();
    const deps = { dockerFor: () => engine };
    const driver = deckyDriver({ sendTraffic: createSendTrafficCall(deps), plantFile: createPlantFileCall(deps) });
    // a decky bug: its UPDATE handler throws, which fails the actor
    const buggy = deckyMachine.provide({
      actions: {
        updateDecky: () => {
          throw new Error('decky bug');
        },
      },
    });
    const host = setup({ actors: { decky: buggy, driver } }).createMachine({
      invoke: [
        { src: 'decky', id: 'decky', input: { decky: decky('web01') }, onError: {} },
        { src: 'driver', id: 'driver', systemId: DRIVER_ID },
      ],
    });
    const root = createActor(host).start();
    const child = root.getSnapshot().children.decky!;
    child.send({ type: 'DECKY.PLANT_FILE', plan: { path: '/tmp/x.txt', content: 'x\n' } });
    await new Promise((r) => setImmediate(r));
    expect(engine.requests[0]!.signal?.aborted).toBe(false);
    child.send({ type: 'DECKY.UPDATE', decky: decky('web01') });
    await new Promise((r) => setImmediate(r));
    expect(child.getSnapshot().status).toBe('error');
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
    root.stop();
  });
});
