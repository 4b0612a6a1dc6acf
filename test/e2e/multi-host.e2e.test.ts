import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { connect, type NatsConnection, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { hasDocker } from '../support/docker-available.js';
import { NatsServer, requireNatsOrSkip } from '../support/nats-server.js';
import { runCli } from '../support/run-cli.js';
import { requireSecondEngineOrSkip, type SecondEngine, startSecondEngine } from '../support/second-engine.js';
import { DaemonProcess, type LogLine } from './resilience/daemon-process.js';
import { waitForSshd } from './resilience/resilience-fixture.js';

const runs = hasDocker && requireSecondEngineOrSkip();
const withNats = runs && requireNatsOrSkip();
const main = new Docker();
const sc = StringCodec();

/** Runs argv in a container of `docker` (setup and proof only); rc and output. */
async function execIn(docker: Docker, container: string, argv: string[]): Promise<{ rc: number; out: string }> {
  const exec = await docker.getContainer(container).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  return { rc: (await exec.inspect()).ExitCode ?? -1, out: Buffer.concat(chunks).toString('utf8') };
}

describe.runIf(runs)(
  'decnet-orchestrator orchestrate › deckies on two Docker engines (a second, real dockerd plays the swarm host)',
  () => {
    const tag = `dnm${randomBytes(3).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'decnet-multihost-'));
    const db = join(dir, 'decnet.sqlite');
    const name = (s: string) => `${tag}-${s}`;
    const launched: Array<{ docker: Docker; net: LaunchedNetwork }> = [];
    let engine: SecondEngine;
    let nats: NatsServer | undefined;
    let watcher: NatsConnection | undefined;
    const onBus: string[] = [];
    let hostUuid = '';
    let daemon: DaemonProcess;
    const isAction = (l: LogLine) => l.msg === 'action';
    const onShard = (l: LogLine) => String(l.dst).startsWith(`${hostUuid}:`);
    const onLocal = (l: LogLine) => String(l.dst).startsWith('local:');

    beforeAll(async () => {
      engine = await startSecondEngine({ name: 'multihost' });
      const labels = { 'decnet.scope': tag };
      const local = await launchDeckies(
        main,
        `${tag}-lnet`,
        [name('web01'), name('web02')].map((n) => ({ name: n, services: ['ssh'], labels })),
      );
      launched.push({ docker: main, net: local });
      const remote = await launchDeckies(
        engine.docker,
        `${tag}-rnet`,
        [name('db01'), name('db02')].map((n) => ({ name: n, services: ['ssh'], labels })),
      );
      launched.push({ docker: engine.docker, net: remote });
      for (const n of ['db01', 'db02']) {
        // as an operator runs deckies: they come back when their engine does
        for (const c of [name(n), `${name(n)}-ssh`])
          await engine.docker.getContainer(c).update({ RestartPolicy: { Name: 'unless-stopped' } });
      }
      await Promise.all([
        ...['web01', 'web02'].map((n) => waitForSshd(main, `${name(n)}-ssh`)),
        ...['db01', 'db02'].map((n) => waitForSshd(engine.docker, `${name(n)}-ssh`)),
      ]);

      const added = await runCli(['swarm', 'add-host', 'edge', engine.dockerHost], { DECNET_DB: db });
      expect(added.code, added.stderr).toBe(0);
      hostUuid = /\(([0-9a-f-]{36})\)/.exec(added.stdout)![1]!;

      const env: Record<string, string> = { DECNET_DB: db, DECNET_DOCKER_SCOPE: `decnet.scope=${tag}` };
      if (withNats) {
        nats = await NatsServer.start();
        watcher = await connect({ servers: nats.url });
        watcher.subscribe('orchestrator.>', {
          callback: (_e, m) => onBus.push(`${m.subject} ${(JSON.parse(sc.decode(m.data)) as { v: number }).v}`),
        });
        await watcher.flush();
        env.DECNET_BUS = nats.url;
      }
      daemon = new DaemonProcess(['orchestrate', '--interval', '0.2'], env);
    }, 180_000);

    afterAll(async () => {
      await daemon?.kill();
      await watcher?.close();
      await nats?.stop();
      for (const l of launched) await removeDeckies(l.docker, l.net);
      await engine?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('acts on deckies of both engines, with local:<name> and <host_uuid>:<name> ids', async () => {
      await daemon.waitForCount('successful actions on the swarm host', (l) => isAction(l) && onShard(l) && l.success === true, 4, 90_000);
      await daemon.waitForCount(
        'successful actions on the local engine',
        (l) => isAction(l) && onLocal(l) && l.success === true,
        4,
        60_000,
      );
      const dsts = new Set(daemon.actions().map((l) => String(l.dst)));
      for (const d of dsts)
        expect([
          `local:${name('web01')}`,
          `local:${name('web02')}`,
          `${hostUuid}:${name('db01')}`,
          `${hostUuid}:${name('db02')}`,
        ]).toContain(d);
    }, 120_000);

    it('runs a shard decky’s exec on its own engine: the planted file is in the remote container, and traffic stays within each host', async () => {
      await daemon.waitFor(
        'a file planted on the swarm host',
        (l) => isAction(l) && onShard(l) && l.kind === 'file' && l.success === true,
        90_000,
      );
      await daemon.waitFor(
        'traffic between the swarm host’s deckies',
        (l) => isAction(l) && onShard(l) && l.kind === 'traffic' && l.success === true,
        90_000,
      );
      const store = await openStore({ dbPath: db });
      let rows: OrchestratorEvent[];
      try {
        rows = (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
      } finally {
        await store.close();
      }
      const planted = rows.find((r) => r.kind === 'file' && r.success && r.dstDeckyUuid.startsWith(`${hostUuid}:`))!;
      const container = `${planted.dstDeckyUuid.slice(hostUuid.length + 1)}-ssh`;
      expect(await execIn(engine.docker, container, ['test', '-f', String(planted.payload.path)])).toMatchObject({ rc: 0 });
      // the local engine has no such container: the Python original's exec could never have worked
      await expect(main.getContainer(container).inspect()).rejects.toMatchObject({ statusCode: 404 });
      // the hosts do not share a network: every traffic row stays within one host
      for (const r of rows.filter((x) => x.kind === 'traffic')) {
        expect(r.srcDeckyUuid?.split(':')[0]).toBe(r.dstDeckyUuid.split(':')[0]);
      }
      const remoteTraffic = rows.find((r) => r.kind === 'traffic' && r.success && r.dstDeckyUuid.startsWith(`${hostUuid}:`))!;
      // the destination's sshd saw the source decky's address: the probe ran on the remote engine
      const dst = `${remoteTraffic.dstDeckyUuid.slice(hostUuid.length + 1)}-ssh`;
      // the source decky's address belongs to its base container, named after the decky
      const src = remoteTraffic.srcDeckyUuid!.slice(hostUuid.length + 1);
      const srcIp = Object.values((await engine.docker.getContainer(src).inspect()).NetworkSettings.Networks)[0]!.IPAddress;
      const logsOf = async () => (await engine.docker.getContainer(dst).logs({ stdout: true, stderr: true })).toString('utf8');
      // sshd writes the line when the probe's connection closes: give the engine a moment
      for (let i = 0; i < 50 && !(await logsOf()).includes(srcIp); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await logsOf()).toContain(srcIp);
    }, 120_000);

    it('publishes events for both engines on NATS with the right ids', async () => {
      if (!withNats) return;
      await new Promise((r) => setTimeout(r, 500));
      expect(onBus.some((s) => new RegExp(`^orchestrator\\.(file|traffic)\\.local:${name('web0')}\\d 1$`).test(s))).toBe(true);
      expect(
        onBus.some(
          (s) =>
            s.startsWith(`orchestrator.file.${hostUuid}:${name('db0')}`) || s.startsWith(`orchestrator.traffic.${hostUuid}:${name('db0')}`),
        ),
      ).toBe(true);
    });

    it('keeps the local engine going when the swarm host’s engine stops, and takes its deckies out', async () => {
      const localIds = await Promise.all(['web01', 'web02'].map(async (n) => (await main.getContainer(`${name(n)}-ssh`).inspect()).Id));
      const from = daemon.lines.length;
      await engine.stop();
      const lost = await daemon.waitFor(
        'the swarm host marked unreachable',
        (l) => l.msg === 'swarm host unreachable; its deckies leave the running set',
        30_000,
        from,
      );
      const lostAt = daemon.lines.indexOf(lost);
      await daemon.waitForCount(
        'local actions while the swarm host is away',
        (l) => isAction(l) && onLocal(l) && l.success === true,
        8,
        60_000,
        lostAt,
      );
      expect(daemon.alive).toBe(true);
      // once the host was lost, no new action was aimed at its deckies (one in flight at the cut may end)
      expect(daemon.actions(lostAt).filter(onShard).length).toBeLessThanOrEqual(2);
      const store = await openStore({ dbPath: db });
      try {
        expect((await store.inventory.listRunningDeckies()).map((d) => d.uuid).sort()).toEqual([
          `local:${name('web01')}`,
          `local:${name('web02')}`,
        ]);
        expect(await store.swarm.getHost('edge')).toMatchObject({ state: 'unreachable' });
      } finally {
        await store.close();
      }
      // the local engine's containers were not touched
      for (const [i, n] of ['web01', 'web02'].entries()) {
        const info = await main.getContainer(`${name(n)}-ssh`).inspect();
        expect({ id: info.Id, running: info.State.Running }).toEqual({ id: localIds[i], running: true });
      }
    }, 120_000);

    it('brings the swarm host’s deckies back when its engine returns', async () => {
      const from = daemon.lines.length;
      // the same daemon on the same state: its deckies restart by their restart policy
      await engine.resume();
      await Promise.all(['db01', 'db02'].map((n) => waitForSshd(engine.docker, `${name(n)}-ssh`, 30_000)));
      await daemon.waitFor('the swarm host answering again', (l) => l.msg === 'swarm host answers', 90_000, from);
      await daemon.waitForCount(
        'successful actions on the swarm host again',
        (l) => isAction(l) && onShard(l) && l.success === true,
        3,
        90_000,
        from,
      );
      daemon.signal('SIGTERM');
      expect(await daemon.exitWithin(20_000)).toMatchObject({ code: 0, signal: null });
      const listed = await runCli(['swarm', 'list-hosts', '--json'], { DECNET_DB: db });
      expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'edge', state: 'online', lastError: null }]);
    }, 180_000);
  },
);
