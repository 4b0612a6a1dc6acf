import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../src/domain/container.js';
import { observeDeckies } from '../../../src/machines/discovery/observe.js';

let n = 0;
function c(name: string, labels: Record<string, string>, opts: { running?: boolean; ip?: string } = {}): ContainerInfo {
  return { id: `id${n++}`, name, running: opts.running ?? true, labels, ...(opts.ip ? { ip: opts.ip } : {}) };
}
const svc = (decky: string, service: string, extra: Record<string, string> = {}) => ({
  'decnet.decky': decky,
  'decnet.service': service,
  ...extra,
});

describe('observeDeckies', () => {
  it('groups <decky>-<service> containers into one decky per decnet.decky label', () => {
    const out = observeDeckies(
      [
        c('web01-ssh', svc('web01', 'ssh'), { ip: '10.0.0.2' }),
        c('web01-http', svc('web01', 'http'), { ip: '10.0.0.2' }),
        c('mail01-imap', svc('mail01', 'imap'), { ip: '10.0.0.3' }),
      ],
      'local',
    );
    expect(out).toEqual([
      { name: 'mail01', hostUuid: 'local', services: ['imap'], ip: '10.0.0.3', running: true },
      { name: 'web01', hostUuid: 'local', services: ['ssh', 'http'], ip: '10.0.0.2', running: true },
    ]);
  });

  it('prefers the ssh container ip, and a valid decnet.ip label over both', () => {
    const [a] = observeDeckies(
      [c('a-http', svc('a', 'http'), { ip: '10.0.0.9' }), c('a-ssh', svc('a', 'ssh'), { ip: '10.0.0.2' })],
      'local',
    );
    expect(a!.ip).toBe('10.0.0.2');
    const [b] = observeDeckies(
      [c('b-ssh', svc('b', 'ssh'), { ip: '10.0.0.2' }), c('b-http', svc('b', 'http', { 'decnet.ip': '192.168.1.50' }))],
      'local',
    );
    expect(b!.ip).toBe('192.168.1.50');
  });

  it('ignores a decnet.ip label that is not an IP literal', () => {
    const [d] = observeDeckies([c('d-ssh', svc('d', 'ssh', { 'decnet.ip': '$(touch /tmp/canary)' }), { ip: '10.0.0.4' })], 'local');
    expect(d!.ip).toBe('10.0.0.4');
  });

  it('has no ip when no container has one', () => {
    expect(observeDeckies([c('e-ssh', svc('e', 'ssh'), { running: false })], 'local')[0]!.ip).toBeNull();
  });

  it('is running when at least one container runs, listing only the services that run', () => {
    const [d] = observeDeckies(
      [c('d-ssh', svc('d', 'ssh'), { running: false }), c('d-imap', svc('d', 'imap'), { ip: '10.0.0.5' })],
      'local',
    );
    expect(d).toMatchObject({ running: true, services: ['imap'], ip: '10.0.0.5' });
  });

  it('is stopped when no container runs, still listing every labelled service', () => {
    const [d] = observeDeckies(
      [c('d-ssh', svc('d', 'ssh'), { running: false }), c('d-imap', svc('d', 'imap'), { running: false })],
      'local',
    );
    expect(d).toMatchObject({ running: false, services: ['ssh', 'imap'] });
  });

  it('carries the topology id and the host uuid', () => {
    const [d] = observeDeckies([c('t-ssh', svc('t', 'ssh', { 'decnet.topology': 'topo-1' }))], 'swarm-7');
    expect(d).toMatchObject({ topologyId: 'topo-1', hostUuid: 'swarm-7' });
    expect(observeDeckies([c('f-ssh', svc('f', 'ssh'))], 'local')[0]).not.toHaveProperty('topologyId');
  });

  it('takes the service from the name suffix when the label is missing, deduplicated', () => {
    const [d] = observeDeckies(
      [c('g-ssh', { 'decnet.decky': 'g' }), c('g-ssh2', svc('g', 'ssh')), c('other', { 'decnet.decky': 'g' })],
      'local',
    );
    expect(d!.services).toEqual(['ssh']);
  });

  it('skips containers without a decky label and keeps hostile names as data', () => {
    const out = observeDeckies(
      [c('x', {}), c('y', { 'decnet.decky': '  ' }), c('z-ssh', svc('z; touch /tmp/canary', 'ssh'))],
      'local',
    );
    expect(out.map((d) => d.name)).toEqual(['z; touch /tmp/canary']);
  });
});
