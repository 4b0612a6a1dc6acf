import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { type HttpServerHandle, HttpConfigError, startHttpServer } from '../../../src/surfaces/http/server.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { rawGet } from './support/http-client.js';
import { anEmail, anEvent, inMemorySources } from './support/in-memory-sources.js';

const TOKEN = 'correct-horse-battery-staple-42';
let server: HttpServerHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: { token?: string; host?: string; sources?: ReturnType<typeof inMemorySources> } = {}) {
  const sources = opts.sources ?? inMemorySources();
  const bus = createMemoryBus({ logger: silentLogger });
  server = await startHttpServer({ host: opts.host ?? '127.0.0.1', port: 0, token: opts.token, sources, bus, logger: silentLogger });
  return { url: server.url, sources, bus };
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('startHttpServer', () => {
  describe('when asked to bind beyond loopback', () => {
    it('refuses to start without a token, naming the fix', async () => {
      await expect(start({ host: '0.0.0.0' })).rejects.toThrow(HttpConfigError);
      await expect(start({ host: '0.0.0.0' })).rejects.toThrow(/without a token.*DECNET_HTTP_TOKEN/);
    });

    it('refuses a token too short to resist guessing', async () => {
      await expect(start({ host: '0.0.0.0', token: 'short' })).rejects.toThrow(/at least 16/);
    });

    it('starts with a token and answers only requests that carry it', async () => {
      const { url } = await start({ host: '0.0.0.0', token: TOKEN });
      const base = url.replace('0.0.0.0', '127.0.0.1');
      expect((await rawGet(base, '/api/v1/workers')).status).toBe(401);
      expect((await rawGet(base, '/api/v1/workers', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    });
  });

  describe('with a token', () => {
    it('answers 401 with WWW-Authenticate for a missing, wrong, differently sized or non-bearer credential', async () => {
      const { url } = await start({ token: TOKEN });
      for (const auth of [
        undefined,
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        'Bearer a',
        `Basic ${TOKEN}`,
        TOKEN,
        `Bearer ${'x'.repeat(5000)}`,
      ]) {
        const r = await rawGet(url, '/api/v1/workers', auth ? { Authorization: auth } : {});
        expect(r.status, String(auth).slice(0, 40)).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer');
        expect(json(r.body)).toEqual({ error: 'unauthorized' });
      }
    });

    it('guards the dashboard and metrics too, so a scanner learns nothing', async () => {
      const { url } = await start({ token: TOKEN });
      for (const path of ['/', '/app.js', '/metrics', '/nope']) expect((await rawGet(url, path)).status).toBe(401);
    });
  });

  describe('without a token', () => {
    it('refuses a Host header that does not name loopback (DNS rebinding)', async () => {
      const { url } = await start();
      const r = await rawGet(url, '/api/v1/workers', { Host: 'evil.example:80' });
      expect(r.status).toBe(403);
      expect((await rawGet(url, '/api/v1/workers', { Host: 'localhost' })).status).toBe(200);
    });
  });

  describe('GET /api/v1/orchestrator/events', () => {
    it('pages events newest first with total, limit and offset', async () => {
      const sources = inMemorySources();
      sources.data.events.push(
        anEvent({ uuid: 'old', agoMs: 3000 }),
        anEvent({ uuid: 'mid', agoMs: 2000 }),
        anEvent({ uuid: 'new', agoMs: 1000 }),
      );
      const { url } = await start({ sources });
      const r = await rawGet(url, '/api/v1/orchestrator/events?limit=2&offset=1');
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      const body = json(r.body) as { total: number; limit: number; offset: number; data: { uuid: string }[] };
      expect(body).toMatchObject({ total: 3, limit: 2, offset: 1 });
      expect(body.data.map((e) => e.uuid)).toEqual(['mid', 'old']);
    });

    it('filters by kind and adapts email rows to the event shape', async () => {
      const sources = inMemorySources();
      sources.data.events.push(anEvent({ kind: 'file', action: 'file:create', payload: { path: '/tmp/x' } }), anEvent());
      sources.data.emails.push(anEmail({ uuid: 'mail-1', threadId: 'th-9', subject: 'Hello' }));
      const { url } = await start({ sources });
      const files = json((await rawGet(url, '/api/v1/orchestrator/events?kind=file')).body) as { data: { kind: string }[] };
      expect(files.data.map((e) => e.kind)).toEqual(['file']);
      const mails = json((await rawGet(url, '/api/v1/orchestrator/events?kind=email')).body) as { data: Record<string, unknown>[] };
      expect(mails.data[0]).toMatchObject({
        uuid: 'mail-1',
        kind: 'email',
        action: 'email:delivered',
        src_decky_uuid: null,
        dst_decky_uuid: 'local:mail01',
        success: true,
        payload: { thread_id: 'th-9', subject: 'Hello', sender_email: 'alice@corp.example' },
      });
    });

    it('merges events and emails newest first when no kind is given', async () => {
      const sources = inMemorySources();
      sources.data.events.push(anEvent({ uuid: 'e1', agoMs: 3000 }), anEvent({ uuid: 'e2', agoMs: 1000 }));
      sources.data.emails.push(anEmail({ uuid: 'm1', agoMs: 2000 }));
      const { url } = await start({ sources });
      const body = json((await rawGet(url, '/api/v1/orchestrator/events')).body) as { total: number; data: { uuid: string }[] };
      expect(body.total).toBe(3);
      expect(body.data.map((e) => e.uuid)).toEqual(['e2', 'm1', 'e1']);
    });

    it.each([
      ['limit=0', /limit/],
      ['limit=1001', /limit/],
      ['limit=abc', /limit/],
      ['limit=1&limit=2', /more than once/],
      ['offset=-1', /offset/],
      ['kind=activity', /kind must be one of traffic, file, email/],
      ['kind=traffic%0Aevil', /kind/],
      ['offset=9990&limit=100', /pass kind/],
    ])('answers 422 with the reason for %s', async (query, reason) => {
      const { url } = await start();
      const r = await rawGet(url, `/api/v1/orchestrator/events?${query}`);
      expect(r.status).toBe(422);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(json(r.body)).toMatchObject({ error: 'invalid query', reason: expect.stringMatching(reason) });
    });
  });

  describe('GET /api/v1/orchestrator/events/stats', () => {
    it('counts by kind and outcome inside the window only', async () => {
      const sources = inMemorySources();
      sources.data.events.push(
        anEvent({ success: false, agoMs: 10 * 60_000 }),
        anEvent({ success: true, agoMs: 5 * 60_000 }),
        anEvent({ kind: 'file', success: false, agoMs: 2 * 3_600_000 }),
      );
      sources.data.emails.push(anEmail({ success: false, agoMs: 60_000 }));
      const { url } = await start({ sources });
      const hour = json((await rawGet(url, '/api/v1/orchestrator/events/stats?since=1h')).body);
      expect(hour).toMatchObject({
        window: '1h',
        total: 3,
        by_kind: { traffic: { total: 2, success: 1, failure: 1 }, email: { total: 1, success: 0, failure: 1 } },
      });
      expect(hour.by_kind).not.toHaveProperty('file');
      const failures = json((await rawGet(url, '/api/v1/orchestrator/events/stats?since=24h&success=false')).body);
      expect(failures).toMatchObject({ success: false, total: 3 });
    });

    it.each(['since=1w', 'since=0h', 'since=32d', 'since=h', 'since=1h&success=yes'])('answers 422 for %s', async (q) => {
      const { url } = await start();
      const r = await rawGet(url, `/api/v1/orchestrator/events/stats?${q}`);
      expect(r.status).toBe(422);
      expect(json(r.body).reason).toBeTypeOf('string');
    });
  });

  describe('the other read routes', () => {
    it('lists workers, deckies with their machine state, personas and metrics', async () => {
      const sources = inMemorySources({
        workers: () => [
          { worker: 'orchestrator', status: 'ok', lastSeen: new Date('2025-01-01T00:00:00Z'), extra: { actors: { decky: 2 } } },
        ],
        deckies: [
          {
            uuid: 'local:web01',
            name: 'web01',
            ip: '10.0.0.2',
            services: ['ssh'],
            source: 'fleet',
            hostUuid: 'local',
            machineState: 'idle',
          },
        ],
        personas: [
          {
            scope: 'pool',
            name: 'Alice',
            email: 'alice@corp.example',
            role: 'CFO',
            tone: 'formal',
            language: 'en',
            activeHours: '09:00-18:00',
          },
        ],
        metrics: () => '# HELP x y\n# TYPE x counter\nx 1\n',
      });
      const { url } = await start({ sources });
      expect(json((await rawGet(url, '/api/v1/workers')).body)).toEqual({
        data: [{ worker: 'orchestrator', status: 'ok', last_seen: '2025-01-01T00:00:00.000Z', extra: { actors: { decky: 2 } } }],
      });
      expect(json((await rawGet(url, '/api/v1/deckies')).body)).toEqual({
        data: [
          {
            uuid: 'local:web01',
            name: 'web01',
            ip: '10.0.0.2',
            services: ['ssh'],
            source: 'fleet',
            topology_id: null,
            host_uuid: 'local',
            machine_state: 'idle',
          },
        ],
      });
      expect(json((await rawGet(url, '/api/v1/personas')).body)).toMatchObject({
        data: [{ name: 'Alice', active_hours: '09:00-18:00', scope: 'pool' }],
      });
      const m = await rawGet(url, '/metrics');
      expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(m.body).toBe('# HELP x y\n# TYPE x counter\nx 1\n');
    });

    it('reads a thread in order, validates the id and 404s an unknown one', async () => {
      const sources = inMemorySources();
      sources.data.emails.push(
        anEmail({ uuid: 'b', threadId: 'th-7', agoMs: 1000, subject: 'Re: Plan', body: 'second' }),
        anEmail({ uuid: 'a', threadId: 'th-7', agoMs: 5000, subject: 'Plan' }),
        anEmail({ uuid: 'x', threadId: 'th-8' }),
      );
      const { url } = await start({ sources });
      const r = await rawGet(url, '/api/v1/emails/threads/th-7');
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      const body = json(r.body) as { thread_id: string; data: { uuid: string; subject: string; body: string | null }[] };
      expect(body.thread_id).toBe('th-7');
      expect(body.data.map((m) => [m.uuid, m.subject, m.body])).toEqual([
        ['a', 'Plan', null],
        ['b', 'Re: Plan', 'second'],
      ]);
      expect((await rawGet(url, '/api/v1/emails/threads/th-404')).status).toBe(404);
      for (const bad of ['..%2F..%2Fetc', '%00', 'a%20b', `${'a'.repeat(129)}`, '%E0%A4%A']) {
        expect((await rawGet(url, `/api/v1/emails/threads/${bad}`)).status, bad).toBe(422);
      }
    });
  });

  describe('anything else', () => {
    it('answers unknown API paths with a JSON 404 and other methods with 405', async () => {
      const { url } = await start();
      const r = await rawGet(url, '/api/v1/nope');
      expect(r.status).toBe(404);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(json(r.body)).toEqual({ error: 'not found' });
      const post = await rawGet(url, '/api/v1/workers', {}, 'POST');
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
    });

    it('answers 500 without details when a source throws', async () => {
      const sources = inMemorySources();
      sources.listDeckies = async () => {
        throw new Error('SQLITE_BUSY: /var/lib/secret/path');
      };
      const { url } = await start({ sources });
      const r = await rawGet(url, '/api/v1/deckies');
      expect(r.status).toBe(500);
      expect(r.body).not.toContain('SQLITE');
    });
  });
});
