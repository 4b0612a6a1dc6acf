import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { parseRealismBody, parseRealismQuery, REALISM_CHECK_PATH } from '../../../src/surfaces/http/realism-route.js';
import { type HttpServerHandle, startHttpServer } from '../../../src/surfaces/http/server.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { RealismReportJson } from '../../../src/actors/realism/realism-report.js';
import { rawGet } from './support/http-client.js';
import { inMemorySources } from './support/in-memory-sources.js';

const TOKEN = 'correct-horse-battery-staple-42';
const REPORT: RealismReportJson = {
  pass: false,
  verdict: 'fail',
  ran: 1,
  skipped: 0,
  failed: 1,
  corpus: { emails: 3, files: 0, events: 0, personas: 2, inspected: false },
  checks: [
    { name: 'identical-bodies', figure: 1, comparison: '<=', threshold: 0, pass: false, skipped: false, detail: '1 repeated bodies' },
  ],
  notes: [],
};

let server: HttpServerHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Check = (o: { inspect: boolean; signal: AbortSignal }) => Promise<RealismReportJson>;
const JSON_TYPE = { 'Content-Type': 'application/json' };
const post = (url: string, path: string, body?: string, headers: Record<string, string> = JSON_TYPE) =>
  rawGet(url, path, headers, 'POST', body);

async function start(check: Check | undefined, opts: { token?: string; timeoutMs?: number; stalledSocketMs?: number } = {}) {
  const sources = { ...inMemorySources(), ...(check ? { realismCheck: check } : {}) };
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    sources,
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.timeoutMs ? { realismTimeoutMs: opts.timeoutMs } : {}),
    ...(opts.stalledSocketMs ? { limits: { stalledSocketMs: opts.stalledSocketMs } } : {}),
  });
  return server.url;
}

// the first report hangs until released; later ones answer at once
function slowFirst() {
  let release!: () => void;
  const first = new Promise<RealismReportJson>((resolve) => {
    release = () => resolve(REPORT);
  });
  let calls = 0;
  const check = async () => (calls++ === 0 ? first : REPORT);
  return { check, release: () => release() };
}

describe('/api/v1/realism/check', () => {
  it('answers a GET with the store-only report, 200 even when a check failed', async () => {
    const asked: boolean[] = [];
    const url = await start(async (o) => {
      asked.push(o.inspect);
      return REPORT;
    });
    const plain = await rawGet(url, REALISM_CHECK_PATH);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(plain.body)).toEqual(REPORT);
    expect((await rawGet(url, `${REALISM_CHECK_PATH}?inspect=false`)).status).toBe(200);
    expect(asked).toEqual([false, false]);
  });

  it.each(['1', 'true'])('refuses GET ?inspect=%s with 405 naming the POST, and runs nothing: a GET never execs in deckies', async (v) => {
    let calls = 0;
    const url = await start(async () => {
      calls += 1;
      return REPORT;
    });
    const r = await rawGet(url, `${REALISM_CHECK_PATH}?inspect=${v}`);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect(JSON.parse(r.body).reason).toMatch(/POST \/api\/v1\/realism\/check with \{"inspect": true\}/);
    expect(calls).toBe(0);
  });

  it('inspects on a POST with {"inspect": true} or ?inspect=1, and not with an empty body or false', async () => {
    const asked: boolean[] = [];
    const url = await start(async (o) => {
      asked.push(o.inspect);
      return REPORT;
    });
    expect((await post(url, REALISM_CHECK_PATH, '{"inspect":true}')).status).toBe(200);
    expect((await post(url, `${REALISM_CHECK_PATH}?inspect=1`, undefined, {})).status).toBe(200);
    expect((await post(url, REALISM_CHECK_PATH, undefined, {})).status).toBe(200);
    expect((await post(url, REALISM_CHECK_PATH, '{"inspect":false}')).status).toBe(200);
    expect(asked).toEqual([true, true, false, false]);
  });

  it.each([
    ['a form body (what a cross-site form can send)', 'inspect=true', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
    ['text/plain JSON', '{"inspect":true}', { 'Content-Type': 'text/plain' }, 415],
    ['a non-boolean inspect', '{"inspect":"yes"}', JSON_TYPE, 422],
    ['an unknown field', '{"inspect":true,"deckies":["x"]}', JSON_TYPE, 422],
    ['an array', '[true]', JSON_TYPE, 422],
    ['broken JSON', '{"inspect":', JSON_TYPE, 422],
    ['a body over 1 KiB', JSON.stringify({ inspect: true, pad: 'x'.repeat(2000) }), JSON_TYPE, 413],
  ])('refuses a POST with %s and runs nothing', async (_name, body, headers, status) => {
    let calls = 0;
    const url = await start(async () => {
      calls += 1;
      return REPORT;
    });
    const r = await post(url, REALISM_CHECK_PATH, body, headers);
    expect(r.status).toBe(status);
    expect(calls).toBe(0);
  });

  it.each(['yes', '', 'true;id', '1&inspect=0', '%00'])('refuses inspect=%j with 422 and runs nothing', async (value) => {
    let calls = 0;
    const url = await start(async () => {
      calls += 1;
      return REPORT;
    });
    const r = await rawGet(url, `${REALISM_CHECK_PATH}?inspect=${value}`);
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'invalid query' });
    expect(calls).toBe(0);
  });

  it('runs one report at a time: a second request while one runs gets 429', async () => {
    const { check, release } = slowFirst();
    const url = await start(check);
    const first = rawGet(url, REALISM_CHECK_PATH);
    await new Promise((r) => setTimeout(r, 50));
    const second = await rawGet(url, REALISM_CHECK_PATH);
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('10');
    release();
    expect((await first).status).toBe(200);
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(200);
  });

  it('gives up with 504 when the report takes longer than its bound, aborts it, and stays busy until it ends', async () => {
    const { check: slow, release } = slowFirst();
    const signals: AbortSignal[] = [];
    const check: Check = (o) => {
      signals.push(o.signal);
      return slow();
    };
    const url = await start(check, { timeoutMs: 80 });
    const t0 = Date.now();
    const r = await rawGet(url, REALISM_CHECK_PATH);
    expect(r.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(signals[0]!.aborted).toBe(true);
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(429);
    release();
    await new Promise((r2) => setTimeout(r2, 20));
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(200);
  });

  it('shares the one-at-a-time 429 between GET and POST', async () => {
    const { check, release } = slowFirst();
    const url = await start(check);
    const first = post(url, REALISM_CHECK_PATH, '{"inspect":true}');
    await new Promise((r) => setTimeout(r, 50));
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(429);
    release();
    expect((await first).status).toBe(200);
  });

  it('waits out a report slower than the socket stall bound (nothing is sent while it runs)', async () => {
    const url = await start(
      async () => {
        await new Promise((r) => setTimeout(r, 600));
        return REPORT;
      },
      { stalledSocketMs: 200 },
    );
    expect((await post(url, REALISM_CHECK_PATH, '{"inspect":true}')).status).toBe(200);
  });

  it('answers 500 without details when the report itself fails', async () => {
    const url = await start(async () => {
      throw new Error('database is locked at /var/lib/secret.sqlite');
    });
    const r = await rawGet(url, REALISM_CHECK_PATH);
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('secret');
  });

  it('needs the bearer token like every other route', async () => {
    const url = await start(async () => REPORT, { token: TOKEN });
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(401);
    expect((await rawGet(url, REALISM_CHECK_PATH, { Authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await rawGet(url, REALISM_CHECK_PATH, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post(url, REALISM_CHECK_PATH, '{"inspect":true}')).status).toBe(401);
    expect((await post(url, REALISM_CHECK_PATH, '{"inspect":true}', { ...JSON_TYPE, Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('is 404 when the worker has no realism source', async () => {
    const url = await start(undefined);
    expect((await rawGet(url, REALISM_CHECK_PATH)).status).toBe(404);
  });

  it('parses inspect strictly', () => {
    expect(parseRealismQuery(new URLSearchParams(''))).toEqual({ ok: true, value: { inspect: false } });
    expect(parseRealismQuery(new URLSearchParams('inspect=true'))).toEqual({ ok: true, value: { inspect: true } });
    expect(parseRealismQuery(new URLSearchParams('inspect=1&inspect=1')).ok).toBe(false);
    expect(parseRealismBody({ inspect: true }, new URLSearchParams('inspect=1')).ok).toBe(false);
    expect(parseRealismBody({}, new URLSearchParams('inspect=1'))).toEqual({ ok: true, value: { inspect: true } });
  });
});
