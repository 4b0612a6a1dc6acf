import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { hasDocker } from '../support/docker-available.js';

const DEMO = resolve(import.meta.dirname, '../../dist/demo/demo.js');

function runDemo(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [DEMO, ...args], {
    encoding: 'utf8',
    // the demo's own default log level, unless a test sets one
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LOG_LEVEL')), ...env },
    timeout: 120_000,
  });
}

describe('npm run demo (dist/demo/demo.js)', () => {
  it('says in one line that no Docker engine answers, and exits non-zero', () => {
    const r = runDemo(['--ticks', '1'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^demo: no Docker engine answers/)]);
  });

  // the demo owns fixed names (web01, db01, printer01) under its own scope label, so it never
  // sees the containers of e2e files running beside it
  it.runIf(hasDocker)(
    'prints traffic and file actions between its deckies, then removes them',
    async () => {
      const r = runDemo(['--interval', '0.2', '--ticks', '15']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // human lines only: no JSON log line mixed in (an empty persona pool used to warn in JSON)
      for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^(demo: |\d\d:\d\d:\d\d {2})/);
      expect(r.stdout).toMatch(/^demo: started web01 \(ssh, http\), db01 \(ssh\), printer01 \(http\) on decnet-demo-net/);
      const actions = r.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}(traffic|file)/.test(l));
      expect(actions.length).toBeGreaterThanOrEqual(4);
      expect(actions.some((l) => /traffic ok .*SSH-2\.0-/.test(l))).toBe(true);
      expect(actions.some((l) => /file {4}ok /.test(l))).toBe(true);
      expect(actions.join('\n')).not.toMatch(/printer01/);
      const left = await new Docker().listContainers({ all: true, filters: { label: ['decnet.scope=demo'] } });
      expect(left).toEqual([]);
      // the label-less bases too
      const bases = await new Docker().listContainers({ all: true, filters: { name: ['^/(web01|db01|printer01)$'] } });
      expect(bases).toEqual([]);
    },
    150_000,
  );

  it.runIf(hasDocker)(
    'never removes a container it did not make, even one named like its deckies',
    async () => {
      const docker = new Docker();
      // a DECNET host may run a real decky called web01: label-less, on its own network
      const other = await docker.createContainer({
        name: 'web01',
        Image: 'decnet-decky:bookworm',
        Cmd: ['sleep', 'infinity'],
        HostConfig: { NetworkMode: 'none' },
      });
      try {
        await other.start();
        const r = runDemo(['--interval', '0.2', '--ticks', '2'], { LOG_LEVEL: 'warn' });
        // the name is taken: the demo refuses to start rather than delete it
        expect(r.status).toBe(1);
        expect((await other.inspect()).State.Running).toBe(true);
        const left = await docker.listContainers({ all: true, filters: { label: ['decnet.scope=demo'] } });
        expect(left).toEqual([]);
      } finally {
        await other.remove({ force: true });
      }
    },
    150_000,
  );
});
