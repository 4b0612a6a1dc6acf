import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import type { DockerPort, EngineProbe } from '../../src/infra/docker/docker.port.js';
import { hasDocker } from '../support/docker-available.js';
import { runCli } from '../support/run-cli.js';
import { makeKey, requireSshdOrSkip, SshAgent, SshdServer, sshFingerprint } from '../support/sshd-server.js';
import { TEST_IMAGE } from '../infra/docker/engine.fixture.js';
import { DaemonProcess } from './resilience/daemon-process.js';

const runs = hasDocker && requireSshdOrSkip();
const main = new Docker();

describe.runIf(runs)('ssh:// Docker engines (Debian sshd on loopback in front of the local engine)', () => {
  const tag = `dns${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'decnet-ssh-engine-'));
  // HOME for every run: an empty ~/.ssh, so root's own keys and known_hosts never take part
  const home = join(dir, 'home');
  const knownHosts = join(dir, 'known_hosts');
  const hashedKnownHosts = join(dir, 'known_hosts.hashed');
  const container = `${tag}-web-ssh`;
  const ports: DockerPort[] = [];
  let sshd: SshdServer;
  let agent: SshAgent;
  let clientKey: { path: string; pub: string };
  let hostFingerprint = '';
  let endpoint = '';
  let daemon: DaemonProcess | undefined;

  /** A port on the ssh:// endpoint with exactly this environment (never the test process's). */
  const port = (env: Record<string, string>, host = endpoint): DockerPort => {
    const p = createDocker({ dockerHost: host, hostId: 'edge', scope: `decnet.scope=${tag}`, env: { HOME: home, ...env } });
    ports.push(p);
    return p;
  };
  const diagnose = (p: DockerPort): Promise<EngineProbe> => p.diagnose!();

  beforeAll(async () => {
    mkdirSync(join(home, '.ssh'), { recursive: true });
    clientKey = makeKey(join(dir, 'client_ed25519'));
    sshd = await SshdServer.start(join(dir, 'sshd'), [clientKey.pub]);
    agent = await SshAgent.start(dir);
    agent.add(clientKey.path);
    endpoint = `ssh://root@127.0.0.1:${sshd.port}`;
    hostFingerprint = sshFingerprint(`${sshd.hostKey.path}.pub`);
    const [type, b64] = sshd.hostKey.pub.split(' ');
    writeFileSync(knownHosts, `# written by the test\n[127.0.0.1]:${sshd.port} ${type} ${b64}\n`);
    // ssh-keygen -H writes the |1|salt|hash form ssh itself writes with HashKnownHosts yes
    writeFileSync(hashedKnownHosts, readFileSync(knownHosts));
    execFileSync('ssh-keygen', ['-H', '-f', hashedKnownHosts], { stdio: 'ignore' });
    expect(readFileSync(hashedKnownHosts, 'utf8')).toMatch(/^\|1\|/m);

    await main.createContainer({
      name: container,
      Image: TEST_IMAGE,
      Cmd: ['sleep', 'infinity'],
      // no network needed: the test only execs in it
      HostConfig: { NetworkMode: 'none' },
      Labels: {
        'decnet.fleet.service': 'true',
        'decnet.fleet.decky': `${tag}-web`,
        'decnet.fleet.service_name': 'ssh',
        'decnet.scope': tag,
      },
    });
    await main.getContainer(container).start();
  }, 60_000);

  afterAll(async () => {
    await daemon?.kill();
    for (const p of ports) p.close?.();
    await main
      .getContainer(container)
      .remove({ force: true })
      .catch(() => undefined);
    await agent?.stop();
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the real ssh client agrees with the test’s sshd, agent and known_hosts (the fixture is sound)', () => {
    const out = execFileSync(
      'ssh',
      [
        '-p',
        String(sshd.port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${hashedKnownHosts}`,
        '-o',
        'IdentitiesOnly=no',
        'root@127.0.0.1',
        'docker',
        'version',
        '--format',
        '{{.Server.Version}}',
      ],
      { env: { ...process.env, HOME: home, SSH_AUTH_SOCK: agent.socket }, encoding: 'utf8' },
    );
    expect(out.trim()).toMatch(/^\d+\.\d+/);
  });

  it('with the agent and a hashed known_hosts entry: pings, lists the scoped container and runs an exec over ssh://', async () => {
    const p = port({ SSH_AUTH_SOCK: agent.socket, DECNET_SSH_KNOWN_HOSTS: hashedKnownHosts });
    expect(await diagnose(p)).toEqual({ ok: true });
    expect(await p.ping()).toBe(true);
    const listed = await p.listDeckyContainers();
    expect(listed.map((c) => c.name)).toEqual([container]);
    expect(listed[0]).toMatchObject({ running: true, labels: { 'decnet.fleet.decky': `${tag}-web` } });
    const r = await p.exec({ container, argv: ['sh', '-c', 'echo over-ssh; echo err >&2; exit 3'], timeoutMs: 20_000 });
    expect(r).toMatchObject({ rc: 3, stdout: 'over-ssh\n', stderr: 'err\n' });
    // sshd logged the agent's key: the login really was by public key
    expect(sshd.log).toMatch(/Accepted publickey for root from 127\.0\.0\.1/);
  }, 60_000);

  it('with a key file (DECNET_SSH_KEY) and no agent, and a plain [host]:port entry: pings', async () => {
    const p = port({ DECNET_SSH_KEY: clientKey.path, DECNET_SSH_KNOWN_HOSTS: knownHosts });
    expect(await diagnose(p)).toEqual({ ok: true });
  }, 30_000);

  it('refuses an unknown host key in one line naming the host and ssh’s SHA256 fingerprint', async () => {
    const empty = join(dir, 'known_hosts.empty');
    writeFileSync(empty, 'example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8nTQ5D/O1u5r7kRAbKMfYl7L2zsHWAF9bnTZLsjZpM\n');
    const p = port({ SSH_AUTH_SOCK: agent.socket, DECNET_SSH_KNOWN_HOSTS: empty });
    const logFrom = sshd.log.length;
    const probe = await diagnose(p);
    expect(probe.ok).toBe(false);
    const reason = (probe as { reason: string }).reason;
    expect(reason).toContain(`refused ssh://root@127.0.0.1:${sshd.port}: unknown host key ssh-ed25519 ${hostFingerprint}, not in ${empty}`);
    expect(reason).not.toContain('\n');
    await expect(p.listDeckyContainers()).rejects.toThrow(`unknown host key ssh-ed25519 ${hostFingerprint}`);
    // refused during the key exchange: no login was ever accepted on these connections
    expect(sshd.log.slice(logFrom)).not.toMatch(/Accepted publickey/);
  }, 30_000);

  it('refuses a changed host key, naming the new fingerprint and the known_hosts line that disagrees', async () => {
    const other = makeKey(join(dir, 'other_host_key'));
    const changed = join(dir, 'known_hosts.changed');
    const [type, b64] = other.pub.split(' ');
    writeFileSync(changed, `[127.0.0.1]:${sshd.port} ${type} ${b64}\n`);
    const p = port({ SSH_AUTH_SOCK: agent.socket, DECNET_SSH_KNOWN_HOSTS: changed });
    const probe = await diagnose(p);
    expect(probe).toEqual({
      ok: false,
      reason: expect.stringContaining(
        `refused ssh://root@127.0.0.1:${sshd.port}: host key CHANGED, now ssh-ed25519 ${hostFingerprint}, ${changed}:1 holds another`,
      ),
    });
  }, 30_000);

  it('with no agent and no key, says the login failed and what to set', async () => {
    const p = port({ DECNET_SSH_KNOWN_HOSTS: knownHosts });
    expect(await diagnose(p)).toEqual({
      ok: false,
      reason: `refused ssh://root@127.0.0.1:${sshd.port}: SSH authentication failed for root: no SSH_AUTH_SOCK agent and no key (set SSH_AUTH_SOCK or DECNET_SSH_KEY, or create ~/.ssh/id_ed25519)`,
    });
  }, 30_000);

  it('swarm add-host with the ssh:// endpoint: the daemon brings it online; a host whose key is not known stays unreachable with the refusal line', async () => {
    const db = join(dir, 'decnet.sqlite');
    const added = await runCli(['swarm', 'add-host', 'edge1', endpoint], { DECNET_DB: db });
    expect(added.code, added.stderr).toBe(0);
    // the same sshd under another name: known_hosts holds [127.0.0.1]:PORT, not [localhost]:PORT
    const stranger = `ssh://root@localhost:${sshd.port}`;
    expect((await runCli(['swarm', 'add-host', 'edge2', stranger], { DECNET_DB: db })).code).toBe(0);
    daemon = new DaemonProcess(['orchestrate', '--interval', '0.5'], {
      DECNET_DB: db,
      DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
      HOME: home,
      SSH_AUTH_SOCK: agent.socket,
      DECNET_SSH_KNOWN_HOSTS: knownHosts,
    });
    type Row = { name: string; state: string; lastError: string | null };
    let rows: Row[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const listed = await runCli(['swarm', 'list-hosts', '--json'], { DECNET_DB: db });
      rows = JSON.parse(listed.stdout) as Row[];
      if (rows.find((r) => r.name === 'edge1')?.state === 'online' && rows.find((r) => r.name === 'edge2')?.state === 'unreachable') break;
      expect(daemon.alive, daemon.tail()).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(rows.find((r) => r.name === 'edge1')).toMatchObject({ state: 'online', lastError: null });
    expect(rows.find((r) => r.name === 'edge2')).toMatchObject({
      state: 'unreachable',
      lastError: expect.stringContaining(`refused ssh://root@localhost:${sshd.port}: unknown host key ssh-ed25519 ${hostFingerprint}`),
    });
    const table = await runCli(['swarm', 'list-hosts'], { DECNET_DB: db });
    expect(table.stdout).toContain(`unreachable (refused ssh://root@localhost:${sshd.port}: unknown host key`);
  }, 120_000);
});
