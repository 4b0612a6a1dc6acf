import { randomBytes, randomInt } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { runTraffic } from '../../src/actors/drivers/traffic.driver.js';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import { hasDocker } from '../support/docker-available.js';

const docker = new Docker();
const tag = `dnt-launch-${randomBytes(3).toString('hex')}`;
const TOPO = `${randomBytes(4).toString('hex')}-0000-4000-8000-000000000000`;
const launched: LaunchedNetwork[] = [];

// a random /24 that no other network of the engine uses yet (a clash makes the engine refuse it)
async function launchOnFreeSubnet(): Promise<{ net: LaunchedNetwork; subnet: string }> {
  for (let i = 0; ; i++) {
    const subnet = `10.213.${randomInt(256)}.0/24`;
    try {
      const net = await launchDeckies(
        docker,
        `${tag}-net`,
        [
          { name: `${tag}-web`, services: ['ssh', 'http'], labels: { 'decnet.scope': tag } },
          { name: `${tag}-gw`, services: ['ssh'], topologyId: TOPO, commands: { ssh: ['sleep', 'infinity'] } },
        ],
        { subnet, compose: true },
      );
      launched.push(net);
      return { net, subnet };
    } catch (err) {
      if (i >= 4 || !/overlap|Pool/i.test(String(err))) throw err;
    }
  }
}

describe.runIf(hasDocker)('launchDeckies on the real engine', () => {
  afterAll(async () => {
    for (const l of launched) await removeDeckies(docker, l);
  });

  it('lays deckies out as DECNET: label-less base with the static ip, services in its network with the labels', async () => {
    const { net, subnet } = await launchOnFreeSubnet();
    const prefix = subnet.replace(/\.0\/24$/, '');
    const gwBase = `decnet_t_${TOPO.slice(0, 8)}_${tag}-gw`;
    expect(net.containers).toEqual([`${tag}-web-ssh`, `${tag}-web-http`, `${tag}-gw-ssh`, `${tag}-web`, gwBase]);

    const base = await docker.getContainer(`${tag}-web`).inspect();
    expect(base.Config.Hostname).toBe(`${tag}-web`);
    expect(base.Config.Cmd).toEqual(['sleep', 'infinity']);
    expect(base.Config.Labels).toEqual({ 'com.docker.compose.project': 'decnet', 'com.docker.compose.service': `${tag}-web` });
    expect(base.NetworkSettings.Networks[`${tag}-net`]?.IPAddress).toBe(`${prefix}.10`);

    const ssh = await docker.getContainer(`${tag}-web-ssh`).inspect();
    expect(ssh.HostConfig.NetworkMode).toBe(`container:${base.Id}`);
    expect(ssh.Config.Labels).toEqual({
      'decnet.fleet.service': 'true',
      'decnet.fleet.decky': `${tag}-web`,
      'decnet.fleet.service_name': 'ssh',
      'com.docker.compose.project': 'decnet',
      'com.docker.compose.service': `${tag}-web-ssh`,
      'decnet.scope': tag,
    });
    expect((await docker.getContainer(`${tag}-web-http`).inspect()).Config.Cmd).toEqual(['sleep', 'infinity']);
    // the image's sshd runs in the shared namespace: the decky answers ssh on its base's address
    const port = createDockerodePort({ hostId: 'local' });
    let banner = '';
    for (let i = 0; i < 50 && !banner.startsWith('SSH-'); i++) {
      const o = await runTraffic(port, { srcName: `${tag}-gw`, dstName: `${tag}-web`, dstIp: `${prefix}.10` });
      banner = String(o.payload.banner ?? '');
      if (!banner) await new Promise((r) => setTimeout(r, 100));
    }
    port.close();
    expect(banner).toMatch(/^SSH-2\.0-/);

    const gw = await docker.getContainer(gwBase).inspect();
    expect(gw.Config.Labels).toMatchObject({
      'decnet.topology.id': TOPO,
      'decnet.topology.decky': `${tag}-gw`,
      'decnet.topology.role': 'base',
    });
    expect(gw.NetworkSettings.Networks[`${tag}-net`]?.IPAddress).toBe(`${prefix}.11`);
    const gwSsh = await docker.getContainer(`${tag}-gw-ssh`).inspect();
    expect(gwSsh.HostConfig.NetworkMode).toBe(`container:${gw.Id}`);
    expect(gwSsh.Config.Labels).toMatchObject({
      'decnet.topology.id': TOPO,
      'decnet.topology.decky': `${tag}-gw`,
      'decnet.topology.service_name': 'ssh',
      'decnet.topology.service': 'true',
    });

    await removeDeckies(docker, net);
    const left = await docker.listContainers({ all: true, filters: { name: [tag] } });
    expect(left).toEqual([]);
  });
});
