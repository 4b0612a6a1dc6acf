import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { hasDocker } from '../support/docker-available.js';
import { type CliRun, logLines, runCli } from '../support/run-cli.js';

const docker = new Docker();
const tag = `dne${Math.random().toString(36).slice(2, 8)}`;

async function execText(container: string, argv: string[]): Promise<string> {
  const exec = await docker.getContainer(container).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  // strip the 8-byte multiplexing headers
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(i + 4);
    out.push(raw.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}

// the decky's address is its base container's (named after the decky), shared by its `-ssh`
async function containerIp(name: string): Promise<string> {
  const info = await docker.getContainer(name).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

describe.runIf(hasDocker)('decnet-orchestrator orchestrate › against three labelled deckies on the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-'));
  const db = join(dir, 'decnet.sqlite');
  const names = { a: `${tag}-alpha`, b: `${tag}-bravo`, c: `${tag}-charlie` };
  let launched: LaunchedNetwork;
  let run: CliRun;
  let events: OrchestratorEvent[];

  beforeAll(async () => {
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: names.a, services: ['ssh'], labels: { 'decnet.scope': tag } },
      { name: names.b, services: ['ssh', 'http'], labels: { 'decnet.scope': tag } },
      { name: names.c, services: ['http'], labels: { 'decnet.scope': tag } },
    ]);
    run = await runCli(['orchestrate', '--interval', '0.2', '--ticks', '30'], {
      DECNET_DB: db,
      DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
    });
    const store = await openStore({ dbPath: db });
    events = (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
    await store.close();
  }, 240_000);

  afterAll(async () => {
    if (launched) await removeDeckies(docker, launched);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 after the requested ticks', () => {
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
  });

  it('records both kinds, successfully', () => {
    // 30 ticks; a tick whose deckies are all still busy (a loaded engine) acts on none
    expect(events.length).toBeGreaterThanOrEqual(10);
    const ok = (k: string) => events.filter((e) => e.kind === k && e.success);
    expect(ok('traffic').length).toBeGreaterThan(0);
    expect(ok('file').length).toBeGreaterThan(0);
    expect(events.filter((e) => !e.success)).toEqual([]);
  });

  it('logs one info line per action with kind, success and dst', () => {
    const lines = logLines(run.stdout).filter((l) => l.kind === 'traffic' || l.kind === 'file');
    expect(lines.length).toBe(events.length);
    for (const l of lines) expect(l).toMatchObject({ success: true, dst: expect.any(String) });
  });

  it('reads a real SSH banner on every traffic action', () => {
    for (const e of events.filter((x) => x.kind === 'traffic')) {
      expect(String(e.payload.banner)).toMatch(/^SSH-2\.0-OpenSSH/);
      expect(e.action).toBe('exec:tcp_connect:22');
      expect(e.srcDeckyUuid).not.toBe(e.dstDeckyUuid);
    }
  });

  it("shows up in the destination sshd's own log as a connection from the source's IP", async () => {
    const traffic = events.filter((x) => x.kind === 'traffic');
    const pairs = new Set(traffic.map((e) => `${e.srcDeckyUuid}>${e.dstDeckyUuid}`));
    for (const pair of pairs) {
      const [src, dst] = pair.split('>').map((u) => u!.replace(/^local:/, ''));
      const srcIp = await containerIp(src!);
      const logs = (await docker.getContainer(`${dst}-ssh`).logs({ stdout: true, stderr: true })).toString();
      expect(logs).toContain(srcIp);
    }
  });

  it('plants every recorded file in the container with the recorded size', async () => {
    // a path planted twice in one second holds the newest write (events are newest first)
    const newest = new Map<string, OrchestratorEvent>();
    for (const e of events.filter((x) => x.kind === 'file')) {
      const key = `${e.dstDeckyUuid}:${String(e.payload.path)}`;
      if (!newest.has(key)) newest.set(key, e);
    }
    for (const e of newest.values()) {
      const dst = e.dstDeckyUuid.replace(/^local:/, '');
      const size = await execText(`${dst}-ssh`, ['stat', '-c', '%s', String(e.payload.path)]);
      expect(Number(size.trim())).toBe(e.payload.bytes);
    }
  });

  it('never targets the decky without ssh', () => {
    const touched = events.flatMap((e) => [e.srcDeckyUuid, e.dstDeckyUuid]).filter((u) => u !== null);
    expect(touched).not.toContain(`local:${names.c}`);
    expect(new Set(touched)).toEqual(new Set([`local:${names.a}`, `local:${names.b}`]));
  });
});
