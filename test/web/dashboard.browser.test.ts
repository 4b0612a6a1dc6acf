import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { type HttpServerHandle, startHttpServer } from '../../src/surfaces/http/server.js';
import { trackWorkerHealth } from '../../src/surfaces/http/worker-health.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import { anEmail, anEvent, inMemorySources } from '../surfaces/http/support/in-memory-sources.js';

const CHROMIUM = process.env.DECNET_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const required = process.env.DECNET_REQUIRE_DOCKER === '1';
const ARTIFACT = join(process.cwd(), 'test-artifacts', 'dashboard.png');
const HOSTILE = '<img src=x onerror="window.__pwned=1">SSH-2.0-evil';

const bus = createMemoryBus({ logger: silentLogger });
const workers = trackWorkerHealth({ bus });
const sources = inMemorySources({
  workers: () => workers.list(),
  deckies: [
    {
      uuid: 'local:web01',
      name: 'web01',
      ip: '172.20.0.11',
      services: ['ssh', 'http'],
      source: 'fleet',
      hostUuid: 'local',
      machineState: 'idle',
    },
    { uuid: 'local:db01', name: 'db01', ip: '172.20.0.12', services: ['ssh'], source: 'fleet', hostUuid: 'local', machineState: 'acting' },
    {
      uuid: 'topo-mail',
      name: 'mail01',
      ip: '172.20.0.13',
      services: ['ssh', 'imap'],
      source: 'topology',
      topologyId: 't1',
      machineState: 'backingOff',
    },
  ],
  personas: [
    {
      scope: 'topology:t1',
      name: 'Alice Martin',
      email: 'alice@corp.example',
      role: 'Finance lead',
      tone: 'formal',
      language: 'en',
      activeHours: '09:00-18:00',
      timezone: 'Europe/Paris',
    },
    {
      scope: 'topology:t1',
      name: 'Bruno Costa',
      email: 'bruno@corp.example',
      role: 'IT admin',
      tone: 'technical',
      language: 'pt',
      activeHours: '08:00-17:00',
    },
  ],
});
sources.data.events.push(
  anEvent({ uuid: 'seed-1', agoMs: 50_000 }),
  anEvent({
    uuid: 'seed-2',
    kind: 'file',
    action: 'file:create',
    srcDeckyUuid: null,
    payload: { path: '/home/admin/notes.txt' },
    agoMs: 40_000,
  }),
  anEvent({ uuid: 'seed-3', success: false, payload: { stderr: 'timed out', rc: 124 }, agoMs: 30_000 }),
);
sources.data.emails.push(
  anEmail({
    uuid: 'm1',
    threadId: 'th-budget',
    subject: 'Q3 budget review',
    body: 'Hi Bruno,\nplease send the server costs.\nAlice',
    agoMs: 20_000,
  }),
  anEmail({
    uuid: 'm2',
    threadId: 'th-budget',
    subject: 'Re: Q3 budget review',
    senderEmail: 'bruno@corp.example',
    recipientEmail: 'alice@corp.example',
    body: 'Olá Alice,\nsegue em anexo.\nBruno',
    agoMs: 10_000,
  }),
  anEmail({ uuid: 'm3', threadId: 'th-other', subject: `<b>${HOSTILE}</b>`, agoMs: 5_000 }),
);

let server: HttpServerHandle;
let context: BrowserContext;
let page: Page;
let profile: string;
const consoleErrors: string[] = [];

describe.runIf(haveChromium || required)('dashboard in Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`DECNET_REQUIRE_DOCKER=1 but no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    server = await startHttpServer({ host: '127.0.0.1', port: 0, sources, bus, logger: silentLogger });
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    bus.publish('system.orchestrator.health', 'heartbeat', { worker: 'orchestrator', actors: { decky: 3 } });
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    workers.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the snapshot, deckies with machine state, personas, workers and the failure count', async () => {
    await expect.poll(() => page.locator('#feed tbody tr').count()).toBe(6);
    await expect.poll(() => page.locator('#deckies tbody tr').count()).toBe(3);
    expect(await page.locator('#deckies tbody tr', { hasText: 'db01' }).locator('.state').textContent()).toBe('acting');
    expect(await page.locator('#personas li').count()).toBe(2);
    await expect.poll(() => page.locator('#workers [data-worker="orchestrator"]').textContent()).toBe('orchestrator ok');
    expect(await page.locator('#workers [data-worker="emailgen"]').textContent()).toBe('emailgen unknown');
    await expect.poll(() => page.locator('#failures').textContent()).toBe('1');
    expect(await page.locator('#conn').textContent()).toBe('live');
  });

  it('shows new events as they are published, without a reload, and escapes hostile text', async () => {
    // browser-side code as strings: this file is type-checked without the DOM library
    await page.evaluate('window.__sameDocument = true');
    bus.publish('orchestrator.traffic.local:db01', 'traffic.sent', {
      uuid: 'live-1',
      action: 'exec:tcp_connect:22',
      src_decky_uuid: 'local:web01',
      dst_decky_uuid: 'local:db01',
      success: true,
      banner: HOSTILE,
    });
    const row = page.locator('#feed tbody tr[data-uuid="live-1"]');
    await row.waitFor({ timeout: 5000 });
    expect(await row.locator('td').nth(4).textContent()).toBe('web01 → db01');
    expect(await row.locator('td').nth(5).textContent()).toBe(HOSTILE);
    expect(await page.locator('#feed img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('filters by kind and holds events while paused', async () => {
    await page.click('button.chip[data-kind="file"]');
    await expect
      .poll(() => page.locator('#feed tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-kind'))))
      .toEqual(['file']);
    await page.click('button.chip[data-kind="all"]');
    await page.click('#pause');
    bus.publish('orchestrator.file.local:web01', 'file.planted', { uuid: 'held-1', success: true, path: '/var/log/cron.log' });
    await expect.poll(() => page.locator('#held').textContent()).toBe('paused, 1 new held');
    expect(await page.locator('tr[data-uuid="held-1"]').count()).toBe(0);
    await page.click('#pause');
    await page.locator('tr[data-uuid="held-1"]').waitFor({ timeout: 5000 });
  });

  it('opens a thread and shows its messages in order', async () => {
    await expect.poll(() => page.locator('#threads button.thread').count()).toBe(2);
    const hostile = page.locator('#threads button.thread[data-thread-id="th-other"] .subject');
    expect(await hostile.textContent()).toBe(`<b>${HOSTILE}</b>`);
    await page.click('#threads button.thread[data-thread-id="th-budget"]');
    await expect.poll(() => page.locator('#reader article.message').count()).toBe(2);
    const subjects = await page.locator('#reader article.message .subject').allTextContents();
    expect(subjects).toEqual(['#1Q3 budget review', '#2Re: Q3 budget review']);
    expect(await page.locator('#reader article.message .body').first().textContent()).toBe(
      'Hi Bruno,\nplease send the server costs.\nAlice',
    );
    expect(await page.locator('#threads button.thread[data-thread-id="th-budget"]').getAttribute('aria-current')).toBe('true');
  });

  it('loads with no script or CSP errors and saves a screenshot', async () => {
    for (let i = 0; i < 6; i += 1) {
      bus.publish(`orchestrator.${i % 2 ? 'traffic' : 'file'}.local:web01`, 'x', {
        uuid: `shot-${i}`,
        success: i !== 3,
        src_decky_uuid: i % 2 ? 'local:db01' : undefined,
        banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
        path: `/home/ubuntu/notes-${i}.txt`,
        action: i % 2 ? 'exec:tcp_connect:22' : 'file:create',
      });
    }
    await page.locator('tr[data-uuid="shot-5"]').waitFor();
    // let the arrival highlight fade so the artifact shows the resting layout
    await page.waitForTimeout(1300);
    expect(consoleErrors).toEqual([]);
    mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    expect(existsSync(ARTIFACT)).toBe(true);
  });
});
