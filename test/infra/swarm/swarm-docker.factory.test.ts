import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerError } from '../../../src/infra/docker/docker-error.js';
import type { SwarmHost } from '../../../src/infra/store/swarm-hosts.port.js';
import { createSwarmDocker, swarmEngineAddress } from '../../../src/infra/swarm/swarm-docker.factory.js';

const host = (over: Partial<SwarmHost>): SwarmHost => ({
  uuid: '3f0c2a9e-0000-4000-8000-000000000001',
  name: 'edge-1',
  endpoint: 'unix:///tmp/none.sock',
  tls: { ca: null, cert: null, key: null },
  sharesNetwork: false,
  state: 'unknown',
  lastSeen: null,
  lastError: null,
  createdAt: new Date(),
  ...over,
});

describe('swarm host engines', () => {
  it('reads the TLS files a tcp:// host names, and nothing from the daemon environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dn-swarm-tls-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `${f} bytes`);
    const tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    expect(swarmEngineAddress(host({ endpoint: 'tcp://10.0.0.5:2376', tls }))).toEqual({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2376,
      tls: { ca: Buffer.from('ca.pem bytes'), cert: Buffer.from('cert.pem bytes'), key: Buffer.from('key.pem bytes') },
    });
  });

  it('passes unix and ssh endpoints through', () => {
    expect(swarmEngineAddress(host({ endpoint: 'unix:///run/e2/docker.sock' }))).toEqual({ kind: 'socket', path: '/run/e2/docker.sock' });
    expect(swarmEngineAddress(host({ endpoint: 'ssh://ops@edge.example:2222' }))).toMatchObject({
      kind: 'ssh',
      host: 'edge.example',
      port: 2222,
      username: 'ops',
    });
  });

  it('gives an ssh:// host the daemon’s agent, key and known_hosts, but not its TLS settings', () => {
    const env = {
      SSH_AUTH_SOCK: '/run/agent.sock',
      DECNET_SSH_KNOWN_HOSTS: '/etc/decnet/known_hosts',
      HOME: '/nonexistent',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/nonexistent',
    };
    expect(swarmEngineAddress(host({ endpoint: 'ssh://ops@edge.example:2222' }), env)).toEqual({
      kind: 'ssh',
      host: 'edge.example',
      port: 2222,
      username: 'ops',
      agent: '/run/agent.sock',
      lockedKeys: [],
      knownHosts: '/etc/decnet/known_hosts',
    });
    // DOCKER_TLS_VERIFY/DOCKER_CERT_PATH are the local engine's: a tcp:// host without files stays plain
    expect(swarmEngineAddress(host({ endpoint: 'tcp://127.0.0.1:2375' }), env)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
  });

  it('fails with a DockerError naming the file when a TLS file is gone', () => {
    const tls = { ca: '/nonexistent/ca.pem', cert: null, key: null };
    expect(() => swarmEngineAddress(host({ endpoint: 'tcp://10.0.0.5:2376', tls }))).toThrow(DockerError);
    expect(() => swarmEngineAddress(host({ endpoint: 'tcp://10.0.0.5:2376', tls }))).toThrow(/TLS ca file \/nonexistent\/ca.pem/);
  });

  it('gives the port the host uuid as its id, and answers ping false for an engine that is not there', async () => {
    const docker = createSwarmDocker(host({}));
    expect(docker.hostId).toBe('3f0c2a9e-0000-4000-8000-000000000001');
    expect(await docker.ping()).toBe(false);
  });
});
