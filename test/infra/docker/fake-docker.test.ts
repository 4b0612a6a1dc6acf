import { describe, expect, it } from 'vitest';
import type { ContainerEvent } from '../../../src/infra/docker/docker.port.js';
import { FILE_SCRIPT } from '../../../src/actors/drivers/file.driver.js';
import { FakeDocker } from '../../fakes/fake-docker.js';

describe('FakeDocker (the fake engine other tests rely on)', () => {
  it('throws "not implemented" for an argv shape it does not model, after recording it', async () => {
    const docker = new FakeDocker();
    docker.addDecky('web01');
    await expect(docker.exec({ container: 'web01-ssh', argv: ['ls', '/'] })).rejects.toThrow('not implemented: exec ls');
    expect(docker.calls).toEqual([{ container: 'web01-ssh', argv: ['ls', '/'], timeoutMs: undefined, maxOutputBytes: undefined }]);
  });

  it('answers a taught argv shape', async () => {
    const docker = new FakeDocker();
    docker.addDecky('mail01', { services: ['imap'] });
    docker.model(
      (req) => req.argv[0] === 'deliver',
      () => ({ rc: 0, stdout: 'ok', stderr: '', timedOut: false, truncated: false, durationMs: 1 }),
    );
    await expect(docker.exec({ container: 'mail01-imap', argv: ['deliver'] })).resolves.toMatchObject({ rc: 0, stdout: 'ok' });
  });

  it('records files written by the file script, stdin as bytes', async () => {
    const docker = new FakeDocker();
    docker.addDecky('db01');
    await docker.exec({ container: 'db01-ssh', argv: ['sh', '-c', FILE_SCRIPT, 'sh', '/tmp/x', '1700000000'], stdin: 'hi' });
    expect(docker.fileAt('db01-ssh', '/tmp/x')).toEqual({
      container: 'db01-ssh',
      path: '/tmp/x',
      content: Buffer.from('hi'),
      mtime: 1700000000,
    });
  });

  it('answers like the real port for missing and stopped containers', async () => {
    const docker = new FakeDocker();
    docker.addDecky('db01', { running: false });
    await expect(docker.exec({ container: 'nope-ssh', argv: ['true'] })).resolves.toMatchObject({ rc: 127 });
    await expect(docker.exec({ container: 'db01-ssh', argv: ['true'] })).resolves.toMatchObject({ rc: 125 });
  });

  it('answers a hang at the request timeout with rc 124', async () => {
    const docker = new FakeDocker();
    docker.addDecky('web01');
    docker.scriptNextExec('web01-ssh', { kind: 'hang' });
    const t0 = Date.now();
    const r = await docker.exec({ container: 'web01-ssh', argv: ['anything'], timeoutMs: 30 });
    expect(r).toMatchObject({ rc: 124, timedOut: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('lists labelled containers and tells watchers about lifecycle changes', async () => {
    const docker = new FakeDocker();
    const seen: ContainerEvent[] = [];
    const stop = docker.watchEvents(
      (e) => seen.push(e),
      () => {},
    );
    docker.addDecky('web01', { ip: '10.0.0.2' });
    docker.addContainer({ name: 'unlabelled' });
    docker.stop('web01-ssh');
    await Promise.resolve();
    expect(seen.map((e) => `${e.action}:${e.name}`)).toEqual(['create:web01-ssh', 'start:web01-ssh', 'die:web01-ssh', 'stop:web01-ssh']);
    expect((await docker.listDeckyContainers()).map((c) => [c.name, c.running, c.networks])).toEqual([
      ['web01-ssh', false, {}],
      ['web01', true, { decnet_lan: '10.0.0.2' }],
    ]);
    docker.stop('web01');
    await Promise.resolve();
    expect(seen.map((e) => `${e.action}:${e.name}`).slice(-2)).toEqual(['die:web01', 'stop:web01']);
    stop();
    expect(docker.watcherCount).toBe(0);
  });
});
