import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../../src/infra/docker/impl/dockerode.js';
import { runFile } from '../../../src/actors/drivers/file.driver.js';
import { runTraffic } from '../../../src/actors/drivers/traffic.driver.js';
import { hasDocker } from '../../support/docker-available.js';
import { EngineFixture } from '../../infra/docker/engine.fixture.js';

const fx = new EngineFixture('dnt-drv');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
// deckies laid out as DECNET's: the base holds the ip, `<decky>-ssh` shares its network and runs sshd
type Decky = Awaited<ReturnType<EngineFixture['decky']>>;
let web: Decky;
let db: Decky;
const deckyOf = (d: Decky): string => d.name;
const sshOf = (d: Decky): string => `${d.name}-ssh`;

// sshd needs a moment after start; the probe is the readiness check
async function untilSshAnswers(src: string, dstIp: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const o = await runTraffic(port, { srcName: src, dstName: 'probe', dstIp });
    if (o.success) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd at ${dstIp} never answered`);
}

describe.runIf(hasDocker)('drivers on the real engine', () => {
  beforeAll(async () => {
    web = await fx.decky({ name: 'web', services: ['ssh'] });
    db = await fx.decky({ name: 'db', services: ['ssh'] });
    await untilSshAnswers(deckyOf(web), db.ip);
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it('reads a real SSH banner from the decky ip, and the destination sshd logs the source decky ip', async () => {
    const o = await runTraffic(port, { srcName: deckyOf(web), dstName: deckyOf(db), dstIp: db.ip });
    expect(o.success).toBe(true);
    expect(o.payload.banner).toMatch(/^SSH-2\.0-OpenSSH_/);
    expect(o.payload).toMatchObject({ rc: 0, dst_ip: db.ip, dst_port: 22 });
    const logs = (await fx.docker.getContainer(sshOf(db)).logs({ stdout: true, stderr: true })).toString('latin1');
    expect(logs).toContain(web.ip);
  });

  it('fails with the probe error when nothing listens on port 22', async () => {
    const quiet = await fx.decky({ name: 'quiet', services: ['ssh'], commands: { ssh: ['sleep', 'infinity'] } });
    const o = await runTraffic(port, { srcName: deckyOf(web), dstName: 'quiet', dstIp: quiet.ip });
    expect(o.success).toBe(false);
    expect(o.payload.rc).toBe(1);
    expect(o.payload.stderr).toMatch(/ConnectionRefusedError|Errno 111/);
  });

  it('plants a file with the recorded byte count, parent dirs and mtime', async () => {
    const path = '/home/admin/deep/it\'s a "note" $(touch x);`id`.txt';
    const content = 'todo: rotate keys; check on backup task\n$(touch /tmp/nope)\n';
    const mtime = new Date('2024-02-29T12:34:56Z');
    const o = await runFile(port, { dstName: deckyOf(db), path, content, mtime });
    expect(o).toMatchObject({ success: true, payload: { rc: 0, bytes: Buffer.byteLength(content), path } });
    const back = await port.exec({ container: sshOf(db), argv: ['cat', path] });
    expect(back.stdout).toBe(content);
    const stat = await port.exec({ container: sshOf(db), argv: ['stat', '-c', '%s %Y', path] });
    expect(stat.stdout.trim()).toBe(`${Buffer.byteLength(content)} ${mtime.getTime() / 1000}`);
    const stray = await port.exec({ container: sshOf(db), argv: ['sh', '-c', 'ls /tmp/nope x 2>/dev/null; ls /'] });
    expect(stray.stdout).not.toMatch(/nope/);
  });

  it('fails a file plant where the decky cannot write, with stderr', async () => {
    const o = await runFile(port, { dstName: deckyOf(db), path: '/proc/decnet/x', content: 'x' });
    expect(o.success).toBe(false);
    expect(o.payload.rc).not.toBe(0);
    expect(String(o.payload.stderr)).not.toBe('');
  });
});
