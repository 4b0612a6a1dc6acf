import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createPlantFileLogic } from '../../src/actors/plant-file.actor.js';
import { createSendTrafficLogic } from '../../src/actors/send-traffic.actor.js';
import type { DockerPort, ExecRequest, ExecResult } from '../../src/infra/docker/docker.port.js';
import type { RunningDecky } from '../../src/infra/store/inventory.port.js';

// an engine whose execs never end on their own: only an abort answers them
class StuckEngine implements DockerPort {
  readonly hostId = 'local';
  readonly requests: ExecRequest[] = [];
  exec(req: ExecRequest): Promise<ExecResult> {
    this.requests.push(req);
    return new Promise((resolve) => {
      req.signal?.addEventListener('abort', () => resolve({ rc: 125, stdout: '', stderr: 'aborted', timedOut: false, truncated: false, durationMs: 0 }));
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
}

const decky = (name: string): RunningDecky => ({ uuid: `local:${name}`, name, ip: '10.0.0.2', services: ['ssh'], source: 'fleet' });

describe('driver actors › when stopped mid-exec (drain bound passed, decky gone)', () => {
  it('sendTraffic aborts its exec instead of leaving it to the timeout', () => {
    const engine = new StuckEngine();
    const actor = createActor(createSendTrafficLogic({ dockerFor: () => engine }), {
      input: { src: decky('web01'), dst: { uuid: 'local:web02', name: 'web02', ip: '10.0.0.3' } },
    }).start();
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]!.signal?.aborted).toBe(false);
    actor.stop();
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
  });

  it('plantFile aborts its exec instead of leaving it to the timeout', () => {
    const engine = new StuckEngine();
    const actor = createActor(createPlantFileLogic({ dockerFor: () => engine }), {
      input: { dst: decky('web01'), plan: { path: '/tmp/x.txt', content: 'x\n' } },
    }).start();
    expect(engine.requests).toHaveLength(1);
    actor.stop();
    expect(engine.requests[0]!.signal?.aborted).toBe(true);
  });
});
