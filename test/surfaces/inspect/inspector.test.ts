import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { assign, createActor, createMachine, sendTo, setup } from 'xstate';
import type { InspectorHandle } from '../../../src/surfaces/inspect/inspector.port.js';
import { startInspector } from '../../../src/surfaces/inspect/inspector.js';
import { type Logger, silentLogger } from '../../../src/infra/log/logger.port.js';

let inspector: InspectorHandle | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await inspector?.close();
  inspector = undefined;
});

// a tiny stand-in for supervisor + decky: the parent spawns a child and talks to it
const deckyMachine = createMachine({
  id: 'decky',
  initial: 'idle',
  context: { persona: { name: 'Alice', email: 'alice@corp.example' } },
  states: { idle: { on: { 'DECKY.SEND_TRAFFIC': 'acting' } }, acting: {} },
});
const supervisorMachine = setup({ actors: { decky: deckyMachine } }).createMachine({
  id: 'supervisor',
  initial: 'running',
  context: { draft: { subject: 'Budget', body: 'the secret body' }, token: 't0k3n' },
  invoke: { id: 'web01', src: 'decky' },
  states: {
    running: {
      on: {
        TICK: {
          actions: [
            assign({ draft: ({ event }) => ({ subject: 'Next', body: String(event.body) }) }),
            sendTo('web01', { type: 'DECKY.SEND_TRAFFIC' }),
          ],
        },
      },
    },
  },
});

interface Msg {
  type: string;
  name?: string;
  sessionId: string;
  snapshot?: { value?: unknown; context?: Record<string, unknown> };
  event?: Record<string, unknown>;
  definition?: string;
}

function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; msgs: Msg[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    const msgs: Msg[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(String(d)) as Msg));
    ws.on('open', () => resolve({ ws, msgs }));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('startInspector', () => {
  it('streams actor registrations and snapshots of parent and child to a WebSocket client, sanitised', async () => {
    inspector = await startInspector({ port: 0, logger: silentLogger });
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { msgs } = await connect(inspector.wsUrl);
    const actor = createActor(supervisorMachine, { inspect: inspector.inspect });
    actor.start();
    actor.send({ type: 'TICK', body: 'Dear Bob, the merger…', email: 'bob@corp.example' });

    await expect.poll(() => msgs.filter((m) => m.type === '@xstate.snapshot').length).toBeGreaterThanOrEqual(2);
    const names = msgs.filter((m) => m.type === '@xstate.actor').map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['supervisor', 'web01']));
    const childStates = msgs.filter((m) => m.type === '@xstate.snapshot' && m.snapshot?.value === 'acting');
    expect(childStates.length).toBeGreaterThan(0);

    const wire = JSON.stringify(msgs);
    expect(wire).not.toContain('the secret body');
    expect(wire).not.toContain('Dear Bob');
    expect(wire).not.toContain('alice@corp.example');
    expect(wire).not.toContain('bob@corp.example');
    expect(wire).not.toContain('t0k3n');
    // the machine's shape survives sanitising, so the inspector can still draw it
    const def = JSON.parse(String(msgs.find((m) => m.name === 'supervisor')?.definition)) as Record<string, unknown>;
    expect(def).toMatchObject({ id: 'supervisor', initial: 'running', states: { running: { on: { TICK: {} } } } });
    expect(def.context).toEqual({ draft: { subject: 'Budget', body: '[redacted]' }, token: '[redacted]' });
    const tick = msgs.find((m) => m.type === '@xstate.event' && m.event?.type === 'TICK');
    expect(tick?.event).toEqual({ type: 'TICK', body: '[redacted]', email: '[redacted]' });
    actor.stop();
  });

  it('masks addresses, URL credentials and bearer secrets deep inside context, events and actor ids, whatever their keys', async () => {
    inspector = await startInspector({ port: 0, logger: silentLogger });
    const { msgs } = await connect(inspector.wsUrl);
    const leaky = setup({}).createMachine({
      id: 'leaky',
      initial: 'idle',
      context: {
        hosts: [{ meta: { where: { note: 'decky web01 at 10.20.30.40, gateway fd00:dead:beef::1' } } }],
        engine: { endpoint: { url: 'ssh://root:hunter2@192.168.7.7:2222/' } },
      },
      states: {
        idle: { on: { PROBE: { actions: assign({ last: ({ event }) => event.detail }) } } },
      },
    });
    const actor = createActor(leaky, { inspect: inspector.inspect, id: 'leaky-172.16.9.9' });
    actor.start();
    actor.send({
      type: 'PROBE',
      detail: {
        l1: {
          l2: { l3: { log: 'GET /x?token=tok-123 from 2001:db8::77 by carol@corp.example', hdr: 'Authorization: Bearer eyJabc.def' } },
        },
      },
    });
    await expect.poll(() => msgs.filter((m) => m.type === '@xstate.snapshot').length).toBeGreaterThanOrEqual(2);
    const wire = JSON.stringify(msgs);
    for (const secret of [
      '10.20.30.40',
      'fd00:dead:beef::1',
      'hunter2',
      'root:',
      '192.168.7.7',
      'tok-123',
      '2001:db8::77',
      'carol@corp.example',
      'eyJabc',
      '172.16.9.9',
    ]) {
      expect(wire, secret).not.toContain(secret);
    }
    // the shape and the harmless words stay readable
    expect(wire).toContain('decky web01 at [ip], gateway [ip]');
    expect(wire).toContain('ssh://[credentials]@[ip]:2222/');
  });

  it('says in its startup line that the page loads the third-party Stately inspector', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      info: (obj, msg) => lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
      child: () => logger,
    };
    inspector = await startInspector({ port: 0, logger });
    const line = lines.find((l) => l.startsWith('xstate inspector listening'));
    expect(line).toContain(inspector.url);
    expect(line).toContain('third-party Stately inspector (https://stately.ai/inspect)');
    expect(line).toContain('posts every sanitised inspection event to it');
  });

  it('replays live actors to a viewer that connects later', async () => {
    inspector = await startInspector({ port: 0, logger: silentLogger });
    const actor = createActor(supervisorMachine, { inspect: inspector.inspect });
    actor.start();
    await new Promise((r) => setTimeout(r, 50));
    const { msgs } = await connect(inspector.wsUrl);
    await expect
      .poll(() => msgs.filter((m) => m.type === '@xstate.actor').map((m) => m.name))
      .toEqual(expect.arrayContaining(['supervisor', 'web01']));
    actor.stop();
  });

  it('refuses viewers from other web origins and rebinding hosts, and caps viewers', async () => {
    inspector = await startInspector({ port: 0, logger: silentLogger, maxViewers: 1 });
    const port = new URL(inspector.url).port;
    await expect(connect(inspector.wsUrl, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(inspector.wsUrl, { Host: `evil.example:${port}` })).rejects.toThrow(/403/);
    await connect(inspector.wsUrl, { Origin: `http://127.0.0.1:${port}` });
    await expect(connect(inspector.wsUrl)).rejects.toThrow(/429/);
  });

  it('serves the bridge page that frames the Stately inspector, and nothing else', async () => {
    inspector = await startInspector({ port: 0, logger: silentLogger });
    const page = await fetch(inspector.url);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-src https:\/\/stately\.ai;/);
    expect(await page.text()).toContain('src="https://stately.ai/inspect"');
    const js = await (await fetch(new URL('/bridge.js', inspector.url))).text();
    expect(js).toContain('postMessage(d, origin)');
    expect((await fetch(new URL('/../etc/passwd', inspector.url))).status).toBe(404);
  });
});
