import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { hasDocker } from '../support/docker-available.js';
import { CLI } from '../support/run-cli.js';

interface Msg {
  type: string;
  name?: string;
  snapshot?: { value?: unknown };
}

const tag = `dni${Math.random().toString(36).slice(2, 8)}`;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

describe.runIf(hasDocker)('decnet-orchestrator orchestrate --inspect › against the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-inspect-'));
  const docker = new Docker();
  const msgs: Msg[] = [];
  let launched: LaunchedNetwork;
  let daemon: ChildProcess;
  let ws: WebSocket;

  beforeAll(async () => {
    const labels = { 'decnet.scope': tag };
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: `${tag}-a`, services: ['ssh'], labels },
      { name: `${tag}-b`, services: ['ssh'], labels },
    ]);
    const port = await freePort();
    daemon = spawn(process.execPath, [CLI, 'orchestrate', '--interval', '0.3', '--inspect', String(port)], {
      // no backfill: its writes would compete with the actions this test waits for
      env: {
        ...process.env,
        DECNET_DB: join(dir, 'decnet.sqlite'),
        DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
        DECNET_NO_BACKFILL: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    for (let i = 0; ; i += 1) {
      try {
        ws = await new Promise<WebSocket>((resolve, reject) => {
          const s = new WebSocket(`ws://127.0.0.1:${port}/`);
          s.on('open', () => resolve(s));
          s.on('error', reject);
        });
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    ws.on('message', (d) => msgs.push(JSON.parse(String(d)) as Msg));
  }, 120_000);

  afterAll(async () => {
    ws?.terminate();
    if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
    if (launched) await removeDeckies(docker, launched);
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams the supervisor and each decky actor, with their snapshots, to a WebSocket client', async () => {
    const deckyIds = [`decky:local:${tag}-a`, `decky:local:${tag}-b`];
    // every decky actor is registered with the viewer (live, or replayed for a late joiner)
    await expect
      .poll(() => deckyIds.filter((id) => msgs.some((m) => m.type === '@xstate.actor' && m.name === id)).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1);
    // a decky actor that acted: its snapshots moved through the acting state
    await expect
      .poll(() => msgs.some((m) => m.type === '@xstate.snapshot' && JSON.stringify(m.snapshot?.value ?? '').includes('acting')), {
        timeout: 20_000,
      })
      .toBe(true);
    const roots = msgs.filter((m) => m.type === '@xstate.actor' && !deckyIds.includes(m.name ?? ''));
    expect(roots.length).toBeGreaterThan(0);
    // the two polls may take 50 s together on a loaded machine
  }, 60_000);
});
