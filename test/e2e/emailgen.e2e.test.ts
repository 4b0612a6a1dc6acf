import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { formatMailDate } from '../../src/infra/mail/mail-date.js';
import type { EmailRecord } from '../../src/domain/email-record.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { hasDocker } from '../support/docker-available.js';
import { type CliRun, logLines, runCli } from '../support/run-cli.js';
import { type LanguageOllama, startLanguageOllama } from './emailgen-ollama-front.js';

const docker = new Docker();
const tag = `dnm${Math.random().toString(36).slice(2, 8)}`;
const SPOOL = '/var/spool/mail-archive';
const DASHES = /[\u2012-\u2015\u2e3a\u2e3b]/;

const PERSONAS = [
  {
    name: 'Alice Martin',
    email: 'alice@acme.example',
    role: 'Finance lead',
    language: 'en',
    active_hours: '00:00-00:00',
    timezone: 'Europe/London',
    mannerisms: ['asks a direct question', 'keeps it short'],
  },
  {
    name: 'Bruno Díaz',
    email: 'bruno@acme.example',
    role: 'Jefe de compras',
    language: 'es',
    active_hours: '00:00-24:00',
    timezone: 'Europe/Madrid',
    mannerisms: ['usa frases cortas', 'saluda con cordialidad'],
  },
  {
    name: 'Chris Lee',
    email: 'chris@acme.example',
    role: 'IT manager',
    language: 'en',
    active_hours: '00:00-00:00',
    uses_llms_heavily: true,
    timezone: 'America/New_York',
  },
];
const ANSWERS = {
  English:
    'Sure! Here is the email:\n\nSubject: Budget review — Q3\n\nHi,\n\nCould you send the figures — the 9–5 ones — before Friday?\n\nThanks',
  Spanish:
    '```\nSubject: Revisión del presupuesto — T3\n\nHola,\n\n¿Podrías enviarme las cifras — las del trimestre — antes del viernes?\n\nGracias\n```',
};

type Spooled = { path: string; thread: string; raw: Buffer; mail: ParsedMail; mtime: number };

describe.runIf(hasDocker)('decnet-orchestrator emailgen › personas write into a mail decky on the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-mail-'));
  const db = join(dir, 'decnet.sqlite');
  const mailName = `${tag}-mail`;
  const container = `${mailName}-imap`;
  let launched: LaunchedNetwork;
  let llm: LanguageOllama;
  let run: CliRun;
  let seconds = 0;
  let rows: EmailRecord[] = [];
  const files: Spooled[] = [];

  beforeAll(async () => {
    const topologyId = randomUUID();
    const file = join(dir, 'topology.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: topologyId,
        name: `${tag} office`,
        language_default: 'en',
        email_personas: PERSONAS,
        deckies: [{ name: mailName, services: ['imap'] }],
      }),
    );
    const imported = await runCli(['topology', 'import', file], { DECNET_DB: db });
    expect(imported.code, imported.stderr).toBe(0);
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: mailName, services: ['imap'], labels: { 'decnet.scope': tag }, topologyId },
    ]);
    llm = await startLanguageOllama(ANSWERS, ANSWERS.English);
    const t0 = performance.now();
    run = await runCli(['emailgen', '--interval', '0.2', '--ticks', '20'], {
      DECNET_DB: db,
      DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
      DECNET_SPOOL_ROOT: SPOOL,
      DECNET_EMAILGEN_LLM: 'ollama',
      OLLAMA_HOST: llm.url,
      DECNET_EMAILGEN_MODEL: 'llama3.1',
      DECNET_EMAILGEN_PERSONAS: join(dir, 'no-pool.json'),
    });
    seconds = (performance.now() - t0) / 1000;
    const store = await openStore({ dbPath: db });
    rows = (await store.emails.listEmails({ limit: 1000, offset: 0 })).data;
    await store.close();
    // copy the spool out of the container, and read every mtime inside it
    const out = join(dir, 'spool');
    mkdirSync(out);
    execFileSync('tar', ['-xf', '-', '-C', out], {
      input: execFileSync('docker', ['exec', container, 'tar', '-C', SPOOL, '-cf', '-', '.'], { maxBuffer: 64 << 20 }),
    });
    const stats = execFileSync('docker', ['exec', container, 'find', SPOOL, '-type', 'f', '-exec', 'stat', '-c', '%Y %n', '{}', '+'])
      .toString()
      .trim()
      .split('\n');
    const mtimes = new Map(stats.map((l) => [l.slice(l.indexOf(' ') + 1), Number(l.slice(0, l.indexOf(' ')))]));
    for (const thread of readdirSync(out)) {
      for (const name of readdirSync(join(out, thread))) {
        const raw = readFileSync(join(out, thread, name));
        const path = `${SPOOL}/${thread}/${name}`;
        files.push({ path, thread, raw, mail: await simpleParser(raw), mtime: mtimes.get(path) ?? Number.NaN });
      }
    }
  }, 240_000);

  afterAll(async () => {
    if (launched) await removeDeckies(docker, launched);
    await llm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 after 20 ticks, every email delivered', () => {
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
    expect(rows.filter((r) => !r.success)).toEqual([]);
    // a tick finds no idle persona while earlier emails are still being delivered (a slow engine)
    expect(rows.length, `${rows.length} emails`).toBeGreaterThanOrEqual(10);
    const exec = rows.map((r) => Number(r.payload.duration_ms)).sort((a, b) => a - b);
    const median = exec[Math.floor(exec.length / 2)] ?? 0;
    console.info(
      `emailgen e2e: ${rows.length} emails in ${seconds.toFixed(2)} s (${(rows.length / seconds).toFixed(2)} emails/s, ticks at 0.2 s; delivery exec median ${median} ms)`,
    );
  });

  it('logs one info line per email (kind email, success, dst, stage), each a row in the store', () => {
    const lines = logLines(run.stdout).filter((l) => l.kind === 'email');
    expect(lines).toHaveLength(rows.length);
    expect(new Set(lines.map((l) => l.uuid))).toEqual(new Set(rows.map((r) => r.uuid)));
    for (const l of lines) expect(l).toMatchObject({ success: true, dst: rows[0]!.mailDeckyUuid, stage: 'delivered' });
  });

  it('leaves exactly one file per delivered email in the spool, where the row says', () => {
    expect(files.map((f) => f.path).sort()).toEqual(rows.map((r) => r.emlPath).sort());
    for (const f of files) expect(f.path.split('/').at(-1)).toMatch(/^[0-9a-f]{32}_at_acme\.example\.eml$/);
  });

  it('writes messages a real MIME parser reads: one MIME-Version, text/plain UTF-8 in quoted-printable, never base64', () => {
    for (const f of files) {
      const head = f.raw.toString('latin1').split('\r\n\r\n')[0]!;
      expect(head.match(/^MIME-Version: 1\.0$/gim)).toHaveLength(1);
      expect(head).toMatch(/^Content-Type: text\/plain; charset=utf-8$/im);
      expect(head).toMatch(/^Content-Transfer-Encoding: (quoted-printable|8bit)$/im);
      expect(head).not.toMatch(/base64/i);
      expect(f.mail.text?.trim().length).toBeGreaterThan(0);
    }
  });

  it('carries From/To with display names, a Message-ID on the sender’s domain and a Date in the sender’s zone', () => {
    const byEmail = new Map(PERSONAS.map((p) => [p.email, p]));
    for (const f of files) {
      const from = f.mail.from!.value[0]!;
      const to = (Array.isArray(f.mail.to) ? f.mail.to[0]! : f.mail.to!).value[0]!;
      const sender = byEmail.get(from.address!)!;
      expect(from.name).toBe(sender.name);
      expect(to.name).toBe(byEmail.get(to.address!)!.name);
      expect(from.address).not.toBe(to.address);
      expect(f.mail.messageId).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
      const rawDate = f.raw
        .toString('latin1')
        .match(/^Date: (.*)$/m)![1]!
        .trim();
      expect(rawDate).toBe(formatMailDate(f.mail.date!, sender.timezone));
    }
  });

  it('stores each message under the receiving server’s trace: Return-Path, Delivered-To, then Received newest first, by the mail decky, after Date', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const head = f.raw.toString('latin1').split('\r\n\r\n')[0]!;
      const names = head
        .split('\r\n')
        .filter((l) => !/^[ \t]/.test(l))
        .map((l) => l.slice(0, l.indexOf(':')));
      expect(names.slice(0, 4), f.path).toEqual(['Return-Path', 'Delivered-To', 'Received', 'Received']);
      const from = f.mail.from?.value[0]?.address;
      const to = f.mail.to && !Array.isArray(f.mail.to) ? f.mail.to.value[0]?.address : undefined;
      expect(f.mail.headers.get('return-path'), f.path).toMatchObject({ value: [{ address: from }] });
      expect(f.mail.headers.get('delivered-to'), f.path).toMatchObject({ value: [{ address: to }] });
      const received = f.mail.headers.get('received') as string[];
      expect(received[0]).toMatch(new RegExp(`\\bby ${mailName} \\(Postfix\\) with ESMTPS id [0-9A-F]{10}\\s+for <${to}>;`));
      const stamps = received.map((r) => Date.parse(r.slice(r.lastIndexOf(';') + 1)));
      expect(stamps[0]!).toBeGreaterThanOrEqual(stamps[1]!);
      expect(stamps[1]!).toBeGreaterThan(f.mail.date!.getTime());
      expect(head).not.toMatch(/decnet/i);
    }
  });

  it('sets each file’s mtime (stat, inside the container) to its Date header, to the second', () => {
    for (const f of files) expect(f.mtime * 1000).toBe(f.mail.date!.getTime());
  });

  it('threads replies: In-Reply-To names a message in the same thread directory, References is its chain', () => {
    const byId = new Map(files.map((f) => [f.mail.messageId!, f]));
    const replies = files.filter((f) => f.mail.inReplyTo);
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) {
      const parent = byId.get(r.mail.inReplyTo!);
      expect(parent, `parent of ${r.path}`).toBeDefined();
      expect(parent!.thread).toBe(r.thread);
      const refs = [r.mail.references!].flat();
      const parentRefs = parent!.mail.references === undefined ? [] : [parent!.mail.references].flat();
      expect(refs).toEqual([...parentRefs, parent!.mail.messageId]);
      for (const id of refs) expect(byId.get(id)?.thread).toBe(r.thread);
      expect(r.mail.subject).toMatch(/^Re: (?!Re:)/);
    }
  });

  it('removes em- and en-dashes from personas that do not use LLMs heavily, and only from them', () => {
    const heavy = files.filter((f) => f.mail.from!.value[0]!.address === 'chris@acme.example');
    for (const f of files.filter((x) => !heavy.includes(x))) {
      expect(f.mail.text).not.toMatch(DASHES);
      // a reply's subject is the parent's, as a mail client copies it; only a new subject is the persona's own
      if (!f.mail.inReplyTo) expect(f.mail.subject).not.toMatch(DASHES);
    }
    // the server answered with dashes: the heavy user keeps them
    if (heavy.length > 0) expect(heavy.some((f) => DASHES.test(f.mail.text ?? ''))).toBe(true);
    expect(files.every((f) => !/Here is the email|```/.test(f.mail.text ?? ''))).toBe(true);
  });

  it('writes every email in its sender’s language', () => {
    for (const f of files) {
      const sender = f.mail.from!.value[0]!.address!;
      const language = PERSONAS.find((p) => p.email === sender)!.language;
      expect(f.mail.headers.get('content-language')).toBe(language);
      if (language === 'es') expect(f.mail.text).toMatch(/^Hola,/);
      else expect(f.mail.text).toMatch(/^Hi,/);
    }
    const row = (lang: string) => rows.filter((r) => r.language === lang).length;
    expect(row('es') + row('en')).toBe(rows.length);
    expect(llm.prompts.every((p) => /in (English|Spanish)\./.test(p))).toBe(true);
  });
});
