import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmailgenDeps, type EmailgenSettings, startEmailgen } from '../../src/actors/email/emailgen.runtime.js';
import type { Envelope } from '../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import type { LLMBackend } from '../../src/infra/llm/base.js';
import { FakeLlm, ScriptedLlm } from '../../src/infra/llm/impl/fake.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import { PersonaPool } from '../../src/infra/personas/pool.js';
import type { EmailRecord } from '../../src/domain/email-record.js';
import { openStore, type Store } from '../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../src/infra/store/topology-file.schema.js';
import { FakeMailDocker } from '../fakes/fake-mail-docker.js';

const SPOOL = '/var/spool/mail-archive';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const person = (email: string, extra: Record<string, unknown> = {}) => ({
  name: email.split('@')[0],
  email,
  role: 'Analyst',
  active_hours: '00:00-00:00',
  ...extra,
});

async function world(pool: unknown[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'decnet-emailgen-'));
  const store = await openStore({ dbPath: join(dir, 'decnet.sqlite') });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const poolPath = join(dir, 'email_personas.json');
  await writeFile(poolPath, JSON.stringify(pool));
  const bus = createMemoryBus({ logger: silentLogger });
  const published: Envelope[] = [];
  bus.subscribe('orchestrator.email.>', (e) => published.push(e));
  const heartbeats: Envelope[] = [];
  bus.subscribe('system.emailgen.health', (e) => heartbeats.push(e));
  const docker = new FakeMailDocker();
  const poolReader = new PersonaPool({ logger: silentLogger, env: { DECNET_EMAILGEN_PERSONAS: poolPath } });
  return { store, bus, published, heartbeats, docker, pool: poolReader };
}
type World = Awaited<ReturnType<typeof world>>;

async function topology(store: Store, personas: unknown[], language = 'en') {
  const file = parseTopologyFile({
    name: `topo-${Math.random()}`,
    language_default: language,
    email_personas: personas,
    deckies: [{ name: 'mail01', services: ['imap'] }],
  });
  return (await store.inventory.importTopology(file)).id;
}

async function run(w: World, llm: LLMBackend, settings: Partial<EmailgenSettings> & { ticks: number }, deps: Partial<EmailgenDeps> = {}) {
  const handle = startEmailgen({
    settings: { intervalMs: 5, spoolRoot: SPOOL, persona: { meanGapMs: 0 }, ...settings },
    inventory: w.store.inventory,
    topologies: w.store.inventory,
    emails: w.store.emails,
    pool: w.pool,
    llm,
    bus: w.bus,
    logger: silentLogger,
    docker: w.docker,
    seed: 42,
    ...deps,
  });
  const output = await handle.done;
  const rows = (await w.store.emails.listEmails({ limit: 1000, offset: 0 })).data.reverse();
  return { output, rows, handle };
}

// how many ancestors a row has, following In-Reply-To
function depth(byId: Map<string, EmailRecord>, r: EmailRecord): number {
  let n = 0;
  for (let cur = r.inReplyTo; cur && n < 100; cur = byId.get(cur)?.inReplyTo ?? null) n += 1;
  return n;
}

const deliveries = (w: World) => w.docker.calls.filter((c) => c.argv[0] === 'sh');

describe('emailgen (SQLite file + memory bus + fake Docker + fake LLM)', () => {
  it('with topology personas always active, one tick delivers one email: one row, one file, one bus event after the commit', async () => {
    const w = await world();
    const topo = await topology(w.store, [person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    const { output, rows } = await run(w, new FakeLlm(), { ticks: 1 });
    expect(output).toMatchObject({ reason: 'ticks', ticks: 1, asked: 1, delivered: 1, failed: 0 });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const [decky] = await w.store.inventory.listRunningDeckies();
    expect(row).toMatchObject({
      mailDeckyUuid: decky!.uuid,
      success: true,
      subject: 'Budget review before Friday',
      language: 'en',
      inReplyTo: null,
    });
    expect(row.payload).toMatchObject({
      stage: 'delivered',
      container: 'mail01-imap',
      rc: 0,
      is_reply: false,
      model: 'fake',
      eml_path: row.emlPath,
    });
    expect(w.published).toHaveLength(1);
    expect(w.published[0]).toMatchObject({
      topic: `orchestrator.email.${decky!.uuid}`,
      type: 'email.delivered',
      payload: { uuid: row.uuid, success: true, kind: 'email' },
    });
    expect(w.docker.spool).toHaveLength(1);
    const file = w.docker.spool[0]!;
    expect(file.path).toBe(row.emlPath);
    expect(file.path.startsWith(`${SPOOL}/${row.threadId}/`)).toBe(true);
    const mail = await simpleParser(file.bytes);
    expect(mail.messageId).toBe(row.messageId);
    expect(file.mtime * 1000).toBe(mail.date!.getTime());
  });

  it('with no mail decky, executes nothing and records nothing', async () => {
    const w = await world([person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('web01', { services: ['ssh', 'http'] });
    const { output, rows } = await run(w, new ScriptedLlm([]), { ticks: 3 });
    expect(output).toMatchObject({ ticks: 3, asked: 0 });
    expect(w.docker.calls).toHaveLength(0);
    expect(rows).toHaveLength(0);
    expect(w.published).toHaveLength(0);
  });

  it('gives a fleet mail decky the host pool', async () => {
    const w = await world([person('ana@pool.example'), person('ben@pool.example')]);
    w.docker.addDecky('mail02', { services: ['pop3'] });
    const { rows } = await run(w, new FakeLlm(), { ticks: 2 });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.mailDeckyUuid).toBe('local:mail02');
      expect(['ana@pool.example', 'ben@pool.example']).toContain(r.senderEmail);
      expect(['ana@pool.example', 'ben@pool.example']).toContain(r.recipientEmail);
      expect(r.senderEmail).not.toBe(r.recipientEmail);
    }
    expect(new Set(w.docker.calls.map((c) => c.container))).toEqual(new Set(['mail02-pop3']));
  });

  it('never lets a topology decky fall back to the pool', async () => {
    const w = await world([person('ana@pool.example'), person('ben@pool.example')]);
    const topo = await topology(w.store, [person('solo@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    const llm = new ScriptedLlm([]);
    const { rows } = await run(w, llm, { ticks: 3 });
    expect(rows).toHaveLength(0);
    expect(llm.prompts).toHaveLength(0);
    expect(deliveries(w)).toHaveLength(0);
  });

  it('a forced reply keeps the thread, answers a message of the pair and carries the full References chain', async () => {
    const w = await world();
    const topo = await topology(w.store, [person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    const llm = new FakeLlm({ output: 'Subject: Re: RE: Quarterly numbers\n\nHello,\n\nthanks for the numbers.\n\nRegards' });
    const { rows } = await run(w, llm, { ticks: 5, intervalMs: 40, persona: { meanGapMs: 0, replyProbability: 1 } });
    expect(rows).toHaveLength(5);
    const byId = new Map(rows.map((r) => [r.messageId, r]));
    const replies = rows.filter((r) => r.inReplyTo !== null);
    // with p = 1 every email after the first answers one (ticks may overlap, so not always the newest)
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const r of rows.filter((x) => x.inReplyTo === null)) expect(r.subject).toBe('Quarterly numbers');
    for (const r of replies) {
      const parent = byId.get(r.inReplyTo!)!;
      expect(parent).toBeDefined();
      expect(r.threadId).toBe(parent.threadId);
      expect(r.subject).toBe('Re: Quarterly numbers');
      expect(r.payload.is_reply).toBe(true);
      // References: the parent's own chain, then the parent, root first
      const mail = await simpleParser(w.docker.spool.find((f) => f.path === r.emlPath)!.bytes);
      const parentMail = await simpleParser(w.docker.spool.find((f) => f.path === parent.emlPath)!.bytes);
      const parentRefs = parentMail.references === undefined ? [] : [parentMail.references].flat();
      expect([mail.references].flat()).toEqual([...parentRefs, parent.messageId]);
      expect(mail.inReplyTo).toBe(parent.messageId);
      // the file sits in its thread's directory
      expect(r.emlPath.startsWith(`${SPOOL}/${parent.threadId}/`)).toBe(true);
    }
    // the deepest reply walks the whole chain down from its thread's root
    const deepest = replies.reduce((a, b) => (depth(byId, a) >= depth(byId, b) ? a : b));
    expect(depth(byId, deepest)).toBeGreaterThanOrEqual(2);
    expect(llm.prompts.some((p) => p.includes('thanks for the numbers.'))).toBe(true);
  });

  it('on an LLM failure records a failed row (stage llm) and delivers nothing', async () => {
    const w = await world();
    const topo = await topology(w.store, [person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    const { rows, output } = await run(w, new FakeLlm({ mode: 'fail', failure: 'HTTP 500: model crashed' }), { ticks: 1 });
    expect(output).toMatchObject({ delivered: 0, failed: 1 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      success: false,
      messageId: '',
      subject: '',
      emlPath: '',
      payload: { stage: 'llm', stderr: 'HTTP 500: model crashed' },
    });
    expect(deliveries(w)).toHaveLength(0);
    expect(w.published[0]).toMatchObject({ type: 'email.failed' });
  });

  it('stops calling a dead LLM once the breaker opens, and shows it on the heartbeat', async () => {
    const w = await world();
    const topo = await topology(w.store, [person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    const llm = new FakeLlm({ mode: 'timeout' });
    const { rows, handle } = await run(w, llm, { ticks: 6, heartbeatMs: 5 });
    expect(llm.prompts).toHaveLength(3);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.payload.timed_out === true)).toHaveLength(3);
    expect(rows.slice(3).every((r) => r.payload.stderr === 'circuit open')).toBe(true);
    expect(handle.llm.health().state).toBe('open');
    const open = w.heartbeats.filter((h) => (h.payload.llm as { breaker: string }).breaker === 'open');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]!.payload).toMatchObject({
      worker: 'emailgen',
      ts: expect.any(String),
      llm: { backend: 'fake', model: 'fake' },
      actors: { mailDeckies: 1, personas: 2 },
    });
  });

  it('backs a mail decky off after repeated delivery failures instead of hammering it', async () => {
    const w = await world();
    const topo = await topology(w.store, [person('alice@acme.example'), person('bob@acme.example')]);
    w.docker.addDecky('mail01', { services: ['imap'], topologyId: topo });
    for (let i = 0; i < 3; i++)
      w.docker.scriptNextExec('mail01-imap', { kind: 'result', result: { rc: 1, stderr: 'No space left on device' } });
    const { rows } = await run(w, new FakeLlm(), { ticks: 6, mail: { failureThreshold: 3, backoffBaseMs: 60_000 }, drainTimeoutMs: 50 });
    expect(rows.filter((r) => !r.success)).toHaveLength(3);
    expect(
      rows.filter((r) => !r.success).every((r) => r.payload.stage === 'delivery' && r.payload.stderr === 'No space left on device'),
    ).toBe(true);
    // while it backs off, no persona of that decky is asked to write
    expect(deliveries(w)).toHaveLength(3);
  });
});
