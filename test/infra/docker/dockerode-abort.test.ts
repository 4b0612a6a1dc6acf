import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../../src/infra/docker/impl/dockerode.js';
import { hasDocker } from '../../support/docker-available.js';
import { EngineFixture, type StartedContainer } from './engine.fixture.js';

const fx = new EngineFixture('dnt-abort');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 30_000 });
let box: StartedContainer;

describe.runIf(hasDocker)('dockerode port › an exec tied to an abort signal, on the real engine', () => {
  beforeAll(async () => {
    box = await fx.run({ name: 'abort-ssh', cmd: ['sleep', 'infinity'] });
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it('is abandoned at the abort, long before its timeout, as rc 125 saying so', async () => {
    const abort = new AbortController();
    const t0 = performance.now();
    const pending = port.exec({ container: box.name, argv: ['sleep', '25'], signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    const r = await pending;
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(r).toMatchObject({ rc: 125, timedOut: false });
    expect(r.stderr).toMatch(/aborted/);
  });

  it('never starts when the signal is already aborted', async () => {
    const r = await port.exec({ container: box.name, argv: ['touch', '/tmp/should-not-exist'], signal: AbortSignal.abort() });
    expect(r).toMatchObject({ rc: 125 });
    const check = await port.exec({ container: box.name, argv: ['test', '-e', '/tmp/should-not-exist'] });
    expect(check.rc).toBe(1);
  });

  it('runs to its end when the signal is never aborted', async () => {
    const r = await port.exec({ container: box.name, argv: ['echo', 'ok'], signal: new AbortController().signal });
    expect(r).toMatchObject({ rc: 0, stdout: 'ok\n' });
  });
});
