import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/domain/container.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { selectLayout } from '../../../src/domain/decnet-layout.js';
import { mailContainerName } from '../../../src/machines/email/mail-decky.js';
import { observeDeckies } from '../../../src/machines/discovery/observe.js';
import { isSshEligible } from '../../../src/machines/policy/pick.js';

const TOPO = '3f2a9c1e-7b40-4d2a-9a51-0c6e2f1d8b77';

let n = 0;
type Opts = { running?: boolean; networks?: Record<string, string>; labels?: Record<string, string> };

/** a label-less fleet base `<decky>` on decnet_lan */
function base(decky: string, ip: string | undefined, opts: Opts = {}): ContainerInfo {
  return {
    id: `base${n++}`,
    name: decky,
    running: opts.running ?? true,
    labels: opts.labels ?? {},
    networks: opts.networks ?? (ip ? { decnet_lan: ip } : {}),
  };
}

/** `<decky>-<svc>` sharing `of`'s network, labelled as DECNET's composer labels fleet services */
function svc(of: ContainerInfo | string, decky: string, service: string, opts: Opts = {}): ContainerInfo {
  return {
    id: `svc${n++}`,
    name: `${decky}-${service}`,
    running: opts.running ?? true,
    labels: { 'decnet.fleet.service': 'true', 'decnet.fleet.decky': decky, 'decnet.fleet.service_name': service, ...opts.labels },
    networks: {},
    ...(typeof of === 'string' ? (of ? { networkContainerId: of } : {}) : { networkContainerId: of.id }),
  };
}

function topoBase(decky: string, ip: string, opts: Opts = {}): ContainerInfo {
  return {
    id: `tbase${n++}`,
    name: `decnet_t_${TOPO.slice(0, 8)}_${decky}`,
    running: opts.running ?? true,
    labels: { 'decnet.topology.id': TOPO, 'decnet.topology.decky': decky, 'decnet.topology.role': 'base' },
    networks: opts.networks ?? { [`decnet_t_${TOPO.slice(0, 8)}_dmz`]: ip },
  };
}

function topoSvc(of: ContainerInfo, decky: string, service: string, opts: Opts = {}): ContainerInfo {
  return {
    id: `tsvc${n++}`,
    name: `${decky}-${service}`,
    running: opts.running ?? true,
    labels: {
      'decnet.topology.id': TOPO,
      'decnet.topology.decky': decky,
      'decnet.topology.service_name': service,
      'decnet.topology.service': 'true',
    },
    networks: {},
    networkContainerId: of.id,
  };
}

// what the planner would see of an observed decky once the inventory holds it
function asRunning(o: ReturnType<typeof observeDeckies>[number]): RunningDecky {
  return { uuid: `local:${o.name}`, name: o.name, ip: o.ip, services: o.services, source: 'fleet' };
}

describe('observeDeckies › fleet deckies', () => {
  it('groups <decky>-<svc> containers by decnet.fleet.decky, services from service_name, ip from the base', () => {
    const web = base('web01', '10.0.0.2');
    const mail = base('mail01', '10.0.0.3');
    const out = observeDeckies([svc(web, 'web01', 'ssh'), svc(web, 'web01', 'http'), svc(mail, 'mail01', 'imap'), web, mail], 'local');
    expect(out).toEqual([
      { name: 'mail01', hostUuid: 'local', services: ['imap'], ip: '10.0.0.3', running: true },
      { name: 'web01', hostUuid: 'local', services: ['ssh', 'http'], ip: '10.0.0.2', running: true },
    ]);
  });

  it('takes the service name from the label, not from the container name', () => {
    const b = base('d', '10.0.0.4');
    const s = { ...svc(b, 'd', 'docker_api'), name: 'd-docker-api' };
    expect(observeDeckies([s, b], 'local')[0]!.services).toEqual(['docker_api']);
  });

  it('ignores containers without the fleet or topology service labels, and half-labelled ones', () => {
    const b = base('d', '10.0.0.4');
    const stray: ContainerInfo = {
      id: 'x',
      name: 'd-ssh',
      running: true,
      labels: { 'decnet.decky': 'd', 'decnet.service': 'ssh' },
      networks: {},
    };
    const half = svc(b, 'e', 'ssh', { labels: { 'decnet.fleet.service_name': ' ' } });
    const notTrue = svc(b, 'f', 'ssh', { labels: { 'decnet.fleet.service': 'false' } });
    expect(observeDeckies([stray, half, notTrue, b], 'local')).toEqual([]);
  });

  it('reads the ip from the base on decnet_lan, else its first network with an address, never from a service', () => {
    const onLan = base('a', undefined, { networks: { bridge: '172.17.0.5', decnet_lan: '192.168.1.50' } });
    const elsewhere = base('b', undefined, { networks: { 'test-net': '172.30.0.7' } });
    const service = { ...svc(elsewhere, 'b', 'ssh'), networks: { 'test-net': '172.30.9.9' } };
    const out = observeDeckies([svc(onLan, 'a', 'ssh'), service, onLan, elsewhere], 'local');
    expect(out.map((d) => d.ip)).toEqual(['192.168.1.50', '172.30.0.7']);
  });

  it('ignores an address that is not an IP literal (or carries a zone id)', () => {
    const b = base('d', undefined, { networks: { decnet_lan: '$(touch /tmp/canary)', other: 'fe80::1%eth0', third: '10.0.0.4' } });
    expect(observeDeckies([svc(b, 'd', 'ssh'), b], 'local')[0]!.ip).toBe('10.0.0.4');
    const none = base('e', undefined, { networks: { decnet_lan: 'not-an-ip' } });
    expect(observeDeckies([svc(none, 'e', 'ssh'), none], 'local')[0]!.ip).toBeNull();
  });

  it('finds the base by the id in the service network mode, not by a look-alike name', () => {
    const real = { ...base('web01', '10.0.0.2'), name: 'renamed-base' };
    const impostor = base('web01', '10.6.6.6');
    expect(observeDeckies([svc(real, 'web01', 'ssh'), impostor, real], 'local')[0]!.ip).toBe('10.0.0.2');
  });

  it('falls back to the base named <decky> when the network mode names no listed container', () => {
    const b = base('web01', '10.0.0.2');
    expect(observeDeckies([svc('gone0000', 'web01', 'ssh'), b], 'local')[0]).toMatchObject({ running: true, ip: '10.0.0.2' });
    expect(observeDeckies([svc('', 'web01', 'ssh'), b], 'local')[0]).toMatchObject({ running: true, ip: '10.0.0.2' });
  });
});

describe('observeDeckies › running and services', () => {
  it('is not running without its base, even when its services run', () => {
    const [d] = observeDeckies([svc('gone0000', 'web01', 'ssh')], 'local');
    expect(d).toEqual({ name: 'web01', hostUuid: 'local', services: ['ssh'], ip: null, running: false });
  });

  it('is not running while its base is stopped (the services lost their network)', () => {
    const b = base('web01', undefined, { running: false });
    const [d] = observeDeckies([svc(b, 'web01', 'ssh'), svc(b, 'web01', 'http'), b], 'local');
    expect(d).toMatchObject({ running: false, services: ['ssh', 'http'], ip: null });
  });

  it('is not running when every service container is stopped, though its base runs', () => {
    const b = base('web01', '10.0.0.2');
    const [d] = observeDeckies([svc(b, 'web01', 'ssh', { running: false }), b], 'local');
    expect(d).toMatchObject({ running: false, services: ['ssh'] });
  });

  it('lists only the services that run: a stopped -ssh leaves ssh out and the decky is not ssh-eligible', () => {
    const b = base('web01', '10.0.0.2');
    const [d] = observeDeckies([svc(b, 'web01', 'ssh', { running: false }), svc(b, 'web01', 'imap'), b], 'local');
    expect(d).toMatchObject({ running: true, services: ['imap'], ip: '10.0.0.2' });
    expect(isSshEligible(asRunning(d!))).toBe(false);
    const [all] = observeDeckies([svc(b, 'web01', 'ssh'), svc(b, 'web01', 'imap'), b], 'local');
    expect(isSshEligible(asRunning(all!))).toBe(true);
  });

  it('never names a stopped mail container as the delivery target', () => {
    const b = base('mail01', '10.0.0.3');
    const [imapDown] = observeDeckies([svc(b, 'mail01', 'imap', { running: false }), svc(b, 'mail01', 'pop3'), b], 'local');
    expect(mailContainerName(asRunning(imapDown!))).toBe('mail01-pop3');
    const [bothDown] = observeDeckies([svc(b, 'mail01', 'imap', { running: false }), svc(b, 'mail01', 'ssh'), b], 'local');
    expect(mailContainerName(asRunning(bothDown!))).toBeNull();
  });
});

describe('observeDeckies › topology deckies', () => {
  it('reads decnet.topology.* services, the decnet_t_<id8>_<decky> base and its decnet_t_ network', () => {
    const b = topoBase('gw', '', { networks: { bridge: '172.17.0.9', [`decnet_t_${TOPO.slice(0, 8)}_dmz`]: '10.20.0.5' } });
    const [d] = observeDeckies([topoSvc(b, 'gw', 'ssh'), topoSvc(b, 'gw', 'smtp'), b], 'swarm-7');
    expect(d).toEqual({ name: 'gw', hostUuid: 'swarm-7', services: ['ssh', 'smtp'], ip: '10.20.0.5', running: true, topologyId: TOPO });
  });

  it('falls back to the base named decnet_t_<id8>_<decky>', () => {
    const b = topoBase('gw', '10.20.0.5');
    const s = { ...topoSvc(b, 'gw', 'ssh'), networkContainerId: 'elsewhere' };
    expect(observeDeckies([s, b], 'local')[0]).toMatchObject({ running: true, ip: '10.20.0.5', topologyId: TOPO });
  });

  it('keeps a fleet decky and a topology decky of the same name apart; a fleet decky has no topologyId', () => {
    const fb = base('gw', '10.0.0.2');
    const tb = topoBase('gw', '10.20.0.5');
    const out = observeDeckies([svc(fb, 'gw', 'ssh'), topoSvc(tb, 'gw', 'imap'), fb, tb], 'local');
    expect(out).toHaveLength(2);
    expect(out[0]).not.toHaveProperty('topologyId');
    expect(out[0]).toMatchObject({ ip: '10.0.0.2', services: ['ssh'] });
    expect(out[1]).toMatchObject({ ip: '10.20.0.5', services: ['imap'], topologyId: TOPO });
  });
});

describe('selectLayout', () => {
  const web = base('web01', '10.0.0.2');
  const other = base('other', '10.0.0.9');
  const unrelated: ContainerInfo = { id: 'u1', name: 'postgres', running: true, labels: {}, networks: { bridge: '172.17.0.2' } };

  it('keeps service containers and the bases they point at (by id or by name), nothing else', () => {
    const byName = base('db01', '10.0.0.3');
    const kept = selectLayout([unrelated, web, svc(web, 'web01', 'ssh'), byName, svc('gone0000', 'db01', 'ssh'), other]);
    expect(kept.map((c) => c.name)).toEqual(['web01-ssh', 'db01-ssh', 'web01', 'db01']);
  });

  it('with a scope label, keeps only the service containers carrying it, and their bases', () => {
    const all = [
      web,
      svc(web, 'web01', 'ssh', { labels: { 'decnet.scope': 'mine' } }),
      other,
      svc(other, 'other', 'ssh', { labels: { 'decnet.scope': 'theirs' } }),
    ];
    const mine = selectLayout(all, 'decnet.scope=mine');
    expect(mine.map((c) => c.name)).toEqual(['web01-ssh', 'web01']);
    expect(observeDeckies(mine, 'local').map((d) => d.name)).toEqual(['web01']);
    expect(selectLayout(all, 'decnet.scope').map((c) => c.name)).toHaveLength(4);
    expect(selectLayout(all)).toHaveLength(4);
  });
});
