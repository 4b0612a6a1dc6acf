import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from '../../bench/peers/fake-engine.js';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import { runFile } from '../../src/actors/drivers/file.driver.js';
import { runTraffic } from '../../src/actors/drivers/traffic.driver.js';
import { observeDeckies } from '../../src/machines/discovery/observe.js';

describe('bench fake engine › speaks the Docker API dockerode uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-fake-engine-'));
  let engine: FakeEngine;
  const docker = () => createDocker({ dockerHost: `unix://${join(dir, 'engine.sock')}` });

  beforeAll(async () => {
    engine = await startFakeEngine({
      socketPath: join(dir, 'engine.sock'),
      containers: [
        { name: 'web01', labels: {}, ip: '10.0.0.2' },
        {
          name: 'web01-ssh',
          labels: { 'decnet.fleet.service': 'true', 'decnet.fleet.decky': 'web01', 'decnet.fleet.service_name': 'ssh' },
          netnsOf: 'web01',
        },
      ],
      log: true,
    });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the traffic probe with an SSH banner through the real client path', async () => {
    const out = await runTraffic(docker(), { srcName: 'web01', dstName: 'db01', dstIp: '10.0.0.3' });
    expect(out.success).toBe(true);
    expect(out.payload.banner).toMatch(/^SSH-2.0-/);
  });

  it('reads a file plant stdin to its end and exits 0', async () => {
    const before = engine.stats().stdinBytes;
    const out = await runFile(docker(), { dstName: 'web01', path: '/tmp/x', content: 'hello\n' });
    expect(out.success).toBe(true);
    expect(engine.stats().stdinBytes - before).toBe(6);
  });

  it('refuses an unknown container with 404 and an unknown command with rc 127', async () => {
    const port = docker();
    expect((await port.exec({ container: 'nope-ssh', argv: ['true'] })).rc).toBe(127);
    const res = await port.exec({ container: 'web01-ssh', argv: ['ls', '/'] });
    expect(res.rc).toBe(127);
    expect(res.stderr).toContain('not implemented: exec ls');
  });

  it('lists the service container and the base whose network it shares, and pings', async () => {
    const port = docker();
    expect(await port.ping()).toBe(true);
    const list = await port.listDeckyContainers();
    expect(list.map((c) => [c.name, c.networks])).toEqual([
      ['web01-ssh', {}],
      ['web01', { bench: '10.0.0.2' }],
    ]);
    expect(observeDeckies(list, 'local')).toEqual([{ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: '10.0.0.2', running: true }]);
    expect(engine.log().length).toBeGreaterThanOrEqual(2);
  });
});
