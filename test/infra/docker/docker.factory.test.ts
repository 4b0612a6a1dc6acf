import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, createDocker, parseDockerHost } from '../../../src/infra/docker/docker.factory.js';
import { DockerError } from '../../../src/infra/docker/docker-error.js';

describe('parseDockerHost', () => {
  it('uses the local socket when DOCKER_HOST is unset or empty', () => {
    expect(parseDockerHost(undefined, {})).toEqual({ kind: 'socket', path: DEFAULT_SOCKET });
    expect(parseDockerHost('  ', {})).toEqual({ kind: 'socket', path: DEFAULT_SOCKET });
  });

  it('reads unix:// and bare socket paths', () => {
    expect(parseDockerHost('unix:///run/user/0/docker.sock', {})).toEqual({ kind: 'socket', path: '/run/user/0/docker.sock' });
    expect(parseDockerHost('/tmp/d.sock', {})).toEqual({ kind: 'socket', path: '/tmp/d.sock' });
  });

  it('reads tcp:// as plain http unless TLS is asked for', () => {
    expect(parseDockerHost('tcp://10.0.0.5:2375', {})).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375 });
    expect(parseDockerHost('tcp://10.0.0.5:2376', {})).toMatchObject({ kind: 'tcp', port: 2376, tls: {} });
    expect(parseDockerHost('tcp://h:1234', { DOCKER_TLS_VERIFY: '1' })).toMatchObject({ tls: {} });
  });

  it('loads TLS files from DOCKER_CERT_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnt-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), f);
    const a = parseDockerHost('tcp://h:2376', { DOCKER_CERT_PATH: dir });
    expect(a).toMatchObject({ kind: 'tcp', tls: { ca: Buffer.from('ca.pem'), key: Buffer.from('key.pem') } });
  });

  it('reads ssh:// with user, agent and known_hosts', () => {
    const home = mkdtempSync(join(tmpdir(), 'dnt-home-'));
    expect(parseDockerHost('ssh://ops@swarm-2', { SSH_AUTH_SOCK: '/tmp/agent', HOME: home })).toEqual({
      kind: 'ssh',
      host: 'swarm-2',
      port: 22,
      username: 'ops',
      agent: '/tmp/agent',
      lockedKeys: [],
      knownHosts: join(home, '.ssh', 'known_hosts'),
    });
  });

  it('reads ssh:// without a user as the local user, and an IPv6 host without brackets', () => {
    expect(parseDockerHost('ssh://[::1]:2222', { USER: 'deploy', HOME: '/nonexistent' })).toMatchObject({
      host: '::1',
      port: 2222,
      username: 'deploy',
    });
  });

  it('names the accepted schemes when given another', () => {
    expect(() => parseDockerHost('npipe:////./pipe/docker', {})).toThrow(/unix:\/\/, tcp:\/\/, http:\/\/, https:\/\/, ssh:\/\//);
    let caught: unknown;
    try {
      parseDockerHost('ftp://x', {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DockerError);
    expect((caught as DockerError).code).toBe('DOCKER_CONFIG');
  });
});

describe('createDocker', () => {
  it('refuses a plaintext tcp:// or http:// DOCKER_HOST on another machine, in one line', () => {
    for (const host of ['tcp://10.0.0.5:2375', 'http://docker.example:2375']) {
      let caught: unknown;
      try {
        createDocker({ dockerHost: host, env: {} });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DockerError);
      expect((caught as DockerError).code).toBe('DOCKER_CONFIG');
      expect((caught as DockerError).message).toBe(
        `refused DOCKER_HOST=${host}: a plaintext Docker API on another machine is root there for anyone on the network; use TLS (https://, or DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH) or ssh://`,
      );
    }
  });

  it('accepts plaintext tcp:// on loopback, and TLS to another machine', () => {
    for (const host of ['tcp://127.0.0.1:2375', 'tcp://localhost:2375', 'tcp://[::1]:2375'])
      createDocker({ dockerHost: host, env: {} }).close?.();
    createDocker({ dockerHost: 'tcp://10.0.0.5:2375', env: { DOCKER_TLS_VERIFY: '1' } }).close?.();
    createDocker({ dockerHost: 'https://10.0.0.5:2376', env: {} }).close?.();
  });

  it('builds a port for the host id it is given', () => {
    const port = createDocker({ dockerHost: 'unix:///nonexistent.sock', hostId: 'swarm-1' });
    expect(port.hostId).toBe('swarm-1');
    port.close?.();
  });

  it('answers ping with false, not an exception, when nothing listens', async () => {
    const port = createDocker({ dockerHost: 'unix:///nonexistent.sock' });
    await expect(port.ping()).resolves.toBe(false);
    port.close?.();
  });
});
