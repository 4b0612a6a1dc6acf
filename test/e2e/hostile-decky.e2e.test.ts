import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import { runFile } from '../../src/actors/drivers/file.driver.js';
import { runTraffic } from '../../src/actors/drivers/traffic.driver.js';
import { EngineFixture, type StartedContainer } from '../infra/docker/engine.fixture.js';
import { hasDocker } from '../support/docker-available.js';

// an attacker owns these deckies: their python3 is whatever they want it to be
const HOSTILE_PYTHON: Record<string, string> = {
  hang: 'exec sleep infinity',
  // ignores polite signals and leaves a child holding stdout open
  stubborn: "trap '' TERM INT HUP; sleep 100000 & wait",
  flood: 'exec cat /dev/zero',
  floodErr: 'exec yes AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA >&2',
};
const TIMEOUT_MS = 1500;

const fx = new EngineFixture('dnt-hostile');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: TIMEOUT_MS, maxOutputBytes: 64 * 1024 });
const hostile: Record<string, StartedContainer> = {};
let good1: StartedContainer;
let good2: StartedContainer;
const decky = (c: StartedContainer): string => c.name.replace(/-ssh$/, '');

async function untilSshAnswers(src: string, dstIp: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await runTraffic(port, { srcName: src, dstName: 'probe', dstIp })).success) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd at ${dstIp} never answered`);
}

describe.runIf(hasDocker)('hostile deckies on the real engine', () => {
  beforeAll(async () => {
    good1 = await fx.run({ name: 'good1-ssh' });
    good2 = await fx.run({ name: 'good2-ssh' });
    for (const [name, body] of Object.entries(HOSTILE_PYTHON)) {
      const c = await fx.run({ name: `${name.toLowerCase()}-ssh`, cmd: ['sleep', 'infinity'] });
      const b64 = Buffer.from(`#!/bin/sh\n${body}\n`).toString('base64');
      const r = await fx.sh(c.name, `rm -f /usr/bin/python3 && echo ${b64} | base64 -d > /usr/bin/python3 && chmod +x /usr/bin/python3`);
      expect(r.rc).toBe(0);
      hostile[name] = c;
    }
    await untilSshAnswers(decky(good1), good2.ip);
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it.each(['hang', 'stubborn'])('a %s python3 comes back failed with rc 124 within the timeout', async (name) => {
    const t0 = performance.now();
    const o = await runTraffic(port, { srcName: decky(hostile[name]!), dstName: decky(good1), dstIp: good1.ip });
    const took = performance.now() - t0;
    expect(o).toMatchObject({ success: false, payload: { rc: 124, timed_out: true } });
    // bounded by the timeout, not by the hostile process (it would run for a day); the margin is a loaded CI box's
    expect(took).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('leaves no hostile process running inside the decky after the bound', async () => {
    await runTraffic(port, { srcName: decky(hostile.stubborn!), dstName: decky(good1), dstIp: good1.ip });
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 2000));
    const ps = await fx.sh(hostile.stubborn!.name, 'pgrep -f "[s]leep 100000" || echo none');
    expect(ps.out.trim()).toBe('none');
  });

  it.each(['flood', 'floodErr'])('a %s python3 comes back failed and truncated, quickly', async (name) => {
    const t0 = performance.now();
    const o = await runTraffic(port, { srcName: decky(hostile[name]!), dstName: decky(good1), dstIp: good1.ip });
    expect(o).toMatchObject({ success: false, payload: { truncated: true } });
    expect(String(o.payload.stderr ?? '').length).toBeLessThanOrEqual(256);
    expect(performance.now() - t0).toBeLessThan(TIMEOUT_MS);
  });

  it('keeps memory bounded while many floods run at once', async () => {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 10);
    const t0 = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        runTraffic(port, { srcName: decky(hostile[i % 2 ? 'flood' : 'floodErr']!), dstName: decky(good1), dstIp: good1.ip }),
      ),
    );
    const took = performance.now() - t0;
    clearInterval(sampler);
    const heap = (process.memoryUsage().heapUsed - heap0) / 1e6;
    const peak = (peakRss - rss0) / 1e6;
    console.info(
      `16 concurrent floods (cap 64 KiB each): ${took.toFixed(0)} ms, heap +${heap.toFixed(1)} MB, peak rss +${peak.toFixed(1)} MB`,
    );
    // on a busy engine some floods reach the clock before the cap: both are bounded failures
    expect(outcomes.every((o) => !o.success && (o.payload.truncated === true || o.payload.timed_out === true))).toBe(true);
    expect(took).toBeLessThan(TIMEOUT_MS + 2000);
    expect(heap).toBeLessThan(64);
    expect(peak).toBeLessThan(64);
  });

  it('keeps healthy deckies acting while hostile execs are in flight', async () => {
    const hostileRuns = ['hang', 'stubborn', 'flood', 'floodErr'].map((n) =>
      runTraffic(port, { srcName: decky(hostile[n]!), dstName: decky(good1), dstIp: good1.ip }),
    );
    const healthy = [];
    // healthy actions get the production bound; hostile load must not starve them
    const limits = { timeoutMs: 8000 };
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const traffic = await runTraffic(port, { srcName: decky(good1), dstName: decky(good2), dstIp: good2.ip }, limits);
      const file = await runFile(port, { dstName: decky(good2), path: `/tmp/.cache-${i}.tmp`, content: `session=${i}\n` }, limits);
      healthy.push({ traffic, file, ms: performance.now() - t0 });
    }
    const slowest = Math.max(...healthy.map((h) => h.ms));
    console.info(`healthy traffic+file under hostile load: slowest pair ${slowest.toFixed(0)} ms`);
    expect(healthy.every((h) => h.traffic.success && h.file.success)).toBe(true);
    expect(slowest).toBeLessThan(4000);
    const done = await Promise.all(hostileRuns);
    expect(done.every((o) => !o.success)).toBe(true);
  });
});
