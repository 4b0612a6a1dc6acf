import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../../src/infra/docker/impl/dockerode.js';
import { hasDocker } from '../../support/docker-available.js';
import { EngineFixture, type StartedContainer } from './engine.fixture.js';

const fx = new EngineFixture('dnt-arch');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
let box: StartedContainer;

describe.runIf(hasDocker)('readFile on the real engine (archive download, no exec)', () => {
  beforeAll(async () => {
    box = await fx.run({ name: 'box-ssh', cmd: ['sleep', 'infinity'] });
    const setup = await fx.sh(
      box.name,
      [
        'useradd -m -s /bin/bash jdoe',
        'ln -s /etc/shadow /tmp/link',
        'ln /etc/passwd /tmp/hard',
        'head -c 12000000 /dev/zero > /tmp/huge',
        'mkdir /tmp/dir',
      ].join(' && '),
    );
    expect(setup.rc, setup.out).toBe(0);
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it('reads /etc/passwd whole, without running a process in the container', async () => {
    const execs = async () => (await new Docker().getContainer(box.name).inspect()).ExecIDs ?? [];
    const before = await execs();
    const r = await port.readFile(box.name, '/etc/passwd', 256 * 1024);
    expect(await execs()).toEqual(before);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.content.toString()).toMatch(/^root:x:0:0:/);
    expect(r.content.toString()).toContain('jdoe:x:1000:1000::/home/jdoe:/bin/bash\n');
  });

  it('refuses a symbolic link instead of following it', async () => {
    expect(await port.readFile(box.name, '/tmp/link', 256 * 1024)).toMatchObject({ ok: false, reason: 'link' });
  });

  it('refuses a directory and reports a missing path or container as missing', async () => {
    expect(await port.readFile(box.name, '/tmp/dir', 256 * 1024)).toMatchObject({ ok: false, reason: 'not-a-file' });
    expect(await port.readFile(box.name, '/etc/nothing-here', 256 * 1024)).toMatchObject({ ok: false, reason: 'missing' });
    expect(await port.readFile(`${fx.prefix}-nobody`, '/etc/passwd', 256 * 1024)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('stops reading a file past the cap, well before the engine has sent it all', async () => {
    const started = Date.now();
    const r = await port.readFile(box.name, '/tmp/huge', 256 * 1024);
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
    expect(Date.now() - started).toBeLessThan(5000);
    // a small cap on a small file: the header says it is too big
    expect(await port.readFile(box.name, '/etc/passwd', 64)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('refuses paths with dot segments or odd characters before asking the engine', async () => {
    for (const p of ['/etc/../etc/passwd', 'etc/passwd', '/etc/pass wd', '/etc/./passwd']) {
      expect(await port.readFile(box.name, p, 1024), p).toMatchObject({ ok: false, reason: 'engine', detail: 'invalid path' });
    }
  });

  it('answers a read abandoned by its signal as a timeout', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await port.readFile(box.name, '/etc/passwd', 1024, { signal: controller.signal })).toMatchObject({
      ok: false,
      reason: 'timeout',
    });
  });
});
