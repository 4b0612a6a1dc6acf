import { afterEach, describe, expect, it } from 'vitest';
import type { RealismReportJson } from '../../../src/actors/realism/realism-report.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { crossSiteRefusal } from '../../../src/surfaces/http/cross-site.js';
import { REALISM_CHECK_PATH } from '../../../src/surfaces/http/realism-route.js';
import { type HttpServerHandle, startHttpServer } from '../../../src/surfaces/http/server.js';
import { openSse, rawGet } from './support/http-client.js';
import { inMemorySources } from './support/in-memory-sources.js';

const TOKEN = 'correct-horse-battery-staple-42';
const STREAM = '/api/v1/orchestrator/events/stream';
const REPORT: RealismReportJson = {
  pass: true,
  verdict: 'pass',
  ran: 0,
  skipped: 0,
  failed: 0,
  corpus: { emails: 0, files: 0, events: 0, personas: 0, inspected: false },
  checks: [],
  notes: [],
};
// every kind of route: JSON, the stream, metrics, a thread, the realism check, the dashboard's files
const PATHS = [
  '/api/v1/workers',
  '/api/v1/orchestrator/events',
  STREAM,
  '/metrics',
  '/api/v1/emails/threads/t1',
  REALISM_CHECK_PATH,
  '/',
  '/app.js',
];

let server: HttpServerHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: { token?: string } = {}) {
  const asked: boolean[] = [];
  const sources = {
    ...inMemorySources(),
    realismCheck: async (o: { inspect: boolean }) => {
      asked.push(o.inspect);
      return REPORT;
    },
  };
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    sources,
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    ...opts,
  });
  return { url: server.url, asked, origin: server.url };
}

describe('cross-site requests', () => {
  it.each([
    ['a foreign Origin', { Origin: 'http://evil.example' }],
    ['an Origin on another port of the same host', { Origin: 'http://127.0.0.1:1' }],
    ['Origin: null (sandboxed frame, file://)', { Origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
  ])('are refused on every route with a JSON 403 for %s', async (_name, headers) => {
    const { url } = await start();
    for (const path of PATHS) {
      const r = await rawGet(url, path, headers);
      expect(r.status, path).toBe(403);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(r.body)).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/^cross-site request refused/) });
    }
  });

  it('cannot start an inspection, even as a POST a cross-site page may send without a preflight', async () => {
    const { url, asked } = await start();
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      { Origin: 'http://evil.example', ...form },
      { 'Sec-Fetch-Site': 'cross-site', ...form },
    ]) {
      expect((await rawGet(url, `${REALISM_CHECK_PATH}?inspect=1`, headers, 'POST', 'inspect=true')).status).toBe(403);
    }
    expect(asked).toEqual([]);
  });

  it('are refused even when they carry the right token', async () => {
    const { url, asked } = await start({ token: TOKEN });
    const r = await rawGet(
      url,
      REALISM_CHECK_PATH,
      { Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' },
      'POST',
      '{"inspect":true}',
    );
    expect(r.status).toBe(403);
    expect(asked).toEqual([]);
  });
});

describe('same-origin and non-browser requests', () => {
  it('are served: no Origin, the server’s own origin, Sec-Fetch-Site same-origin or none', async () => {
    const { url, origin } = await start();
    const host = new URL(url).host;
    const cases: Record<string, string>[] = [
      {},
      { Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'none' },
      { Origin: `https://${host}` },
    ];
    for (const headers of cases) {
      expect((await rawGet(url, '/api/v1/workers', headers)).status).toBe(200);
      expect((await rawGet(url, '/', headers)).status).toBe(200);
      expect((await rawGet(url, REALISM_CHECK_PATH, headers)).status).toBe(200);
    }
  });

  it('include the dashboard’s own POST of an inspection and its event stream', async () => {
    const { url, origin, asked } = await start();
    const r = await rawGet(
      url,
      REALISM_CHECK_PATH,
      { Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' },
      'POST',
      '{"inspect":true}',
    );
    expect(r.status).toBe(200);
    expect(asked).toEqual([true]);
    const stream = await openSse(url, STREAM, { 'Sec-Fetch-Site': 'same-origin' });
    try {
      expect(stream.status).toBe(200);
      expect((await stream.next()).comment).toBe('keepalive');
    } finally {
      stream.close();
    }
  });
});

describe('crossSiteRefusal', () => {
  it('compares the Origin with the Host the request named, case-insensitively', () => {
    expect(crossSiteRefusal({ host: '127.0.0.1:8080', origin: 'HTTP://127.0.0.1:8080' })).toBeUndefined();
    expect(crossSiteRefusal({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8081' })).toMatch(/Origin/);
    expect(crossSiteRefusal({ origin: 'http://127.0.0.1:8080' })).toMatch(/Origin/);
    expect(crossSiteRefusal({ host: 'a', 'sec-fetch-site': 'same-site', origin: 'http://a' })).toMatch(/same-site/);
  });
});
