import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { hasDocker } from '../support/docker-available.js';
import { CLI, runCli } from '../support/run-cli.js';

const CHROMIUM = process.env.DECNET_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACT = resolve(import.meta.dirname, '../../test-artifacts/dashboard-e2e.png');
const tag = `dnd${Math.random().toString(36).slice(2, 8)}`;
const PERSONAS = [
  { name: 'Alice Martin', email: 'alice@acme.example', role: 'Finance lead', active_hours: '00:00-00:00' },
  { name: 'Bruno Costa', email: 'bruno@acme.example', role: 'IT admin', active_hours: '00:00-00:00' },
];

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

if (!existsSync(CHROMIUM) && process.env.DECNET_REQUIRE_DOCKER === '1') {
  throw new Error(`DECNET_REQUIRE_DOCKER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

describe.runIf(hasDocker && existsSync(CHROMIUM))('dashboard › in Chromium while both workers run against the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-dash-'));
  const env = { DECNET_DB: join(dir, 'decnet.sqlite'), DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`, LOG_LEVEL: 'warn' };
  const docker = new Docker();
  let launched: LaunchedNetwork;
  let daemon: ChildProcess;
  let context: BrowserContext;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    const topologyId = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
    const file = join(dir, 'topology.json');
    writeFileSync(file, JSON.stringify({ id: topologyId, name: `${tag} office`, email_personas: PERSONAS, deckies: [] }));
    expect((await runCli(['topology', 'import', file], env)).code).toBe(0);
    const labels = { 'decnet.scope': tag };
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: `${tag}-a`, services: ['ssh'], labels },
      { name: `${tag}-b`, services: ['ssh'], labels },
      { name: `${tag}-mail`, services: ['imap'], labels, topologyId },
    ]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    daemon = spawn(process.execPath, [CLI, 'orchestrate', '--interval', '0.4', '--http', String(port)], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    for (let i = 0; ; i += 1) {
      try {
        await page.goto(url);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
    if (launched) await removeDeckies(docker, launched);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows new traffic and file events as they happen, without a reload', async () => {
    await expect.poll(() => page.locator('#feed tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await page.locator('#feed tbody tr').count();
    await expect.poll(() => page.locator('#feed tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(before + 2);
    const kinds = await page.locator('#feed tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-kind')));
    expect(kinds.every((k) => k === 'traffic' || k === 'file')).toBe(true);
    await expect.poll(() => page.locator('#workers [data-worker="orchestrator"]').textContent()).toBe('orchestrator ok');
    const states = await page.locator('#deckies tbody tr .state').allTextContents();
    expect(states.length).toBe(3);
  });

  it('sees emails the emailgen process writes, and opens a thread to read it', async () => {
    const run = await runCli(['emailgen', '--interval', '0.3', '--ticks', '6'], { ...env, DECNET_EMAILGEN_LLM: 'fake' });
    expect(run.code).toBe(0);
    await expect.poll(() => page.locator('#feed tbody tr[data-kind="email"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#workers [data-worker="emailgen"]').textContent(), { timeout: 10_000 }).toBe('emailgen ok');
    await page.reload();
    await expect.poll(() => page.locator('#threads button.thread').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.locator('#threads button.thread').first().click();
    await expect.poll(() => page.locator('#reader article.message').count()).toBeGreaterThan(0);
    expect(await page.locator('#reader article.message .subject').first().textContent()).not.toBe('');
    mkdirSync(resolve(ARTIFACT, '..'), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
  });

  it('stops the daemon gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => daemon.once('exit', (code) => r(code)));
    daemon.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
