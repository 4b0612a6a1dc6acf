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

  it('reads ssh:// with user and agent', () => {
    expect(parseDockerHost('ssh://ops@swarm-2', { SSH_AUTH_SOCK: '/tmp/agent' })).toEqual({
      kind: 'ssh',
      host: 'swarm-2',
      port: 22,
      username: 'ops',
      agent: '/tmp/agent',
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
