import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import Docker from 'dockerode';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/surfaces/cli/cli-context.js';
import { registerEmailgenRunCommand } from '../../src/surfaces/cli/emailgen-run.command.js';
import { registerOrchestrateCommand } from '../../src/surfaces/cli/orchestrate.command.js';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { loadConfig } from '../../src/infra/config/config.js';
import { getLlm } from '../../src/infra/llm/factory.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import { formatMailDate } from '../../src/infra/mail/mail-date.js';
import type { Persona } from '../../src/domain/persona.js';
import type { EmailRecord } from '../../src/domain/email-record.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../src/infra/store/topology-file.schema.js';
import { isActive } from '../../src/machines/email/active-hours.js';
import { hasDocker } from '../support/docker-available.js';
import { type OllamaTestServer, startOllamaServer } from '../support/ollama-server.js';

const docker = new Docker();
const tag = `dnb${Math.random().toString(36).slice(2, 8)}`;
const SPOOL = '/var/spool/mail-archive';
const web = `${tag}-web`;
const mail = `${tag}-mail`;
const PERSONAS = [
  {
    name: 'Anna Berg',
    email: 'anna.berg@corp.example',
    role: 'Controller',
    active_hours: '08:00-17:00',
    timezone: 'Europe/Berlin',
    language: 'en',
  },
  {
    name: 'Dan Miller',
    email: 'dan.miller@corp.example',
    role: 'IT lead',
    active_hours: '09:00-17:30',
    timezone: 'America/New_York',
    language: 'en',
  },
  {
    name: 'Kenji Sato',
    email: 'kenji.sato@corp.example',
    role: 'Buyer',
    active_hours: '09:30-18:00',
    timezone: 'Asia/Tokyo',
    language: 'en',
  },
];

function sh(container: string, args: string[]): string {
  return execFileSync('docker', ['exec', container, ...args], { maxBuffer: 64 << 20 }).toString();
}

describe.runIf(hasDocker)('automatic backfill on the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-backfill-'));
  let launched: LaunchedNetwork;
  let ollama: OllamaTestServer;
  let topologyId = '';

  const env = (db: string) => ({
    DECNET_DB: db,
    DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
    DECNET_SPOOL_ROOT: SPOOL,
    DECNET_EXEC_TIMEOUT: '20',
  });
  async function decnet(db: string, args: string[]): Promise<void> {
    const ctx: CliContext = { config: () => loadConfig(env(db)), logger: silentLogger, out: () => {} };
    const program = new Command('decnet').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerOrchestrateCommand(program, ctx);
    const llm = () => getLlm({ DECNET_EMAILGEN_LLM: 'ollama', OLLAMA_HOST: ollama.url, DECNET_EMAILGEN_MODEL: 'llama3.1' });
    registerEmailgenRunCommand(program.command('emailgen'), ctx, {
      createLlm: llm,
      pool: { env: { DECNET_EMAILGEN_PERSONAS: join(dir, 'no-pool.json') } },
    });
    await program.parseAsync(['node', 'decnet', ...args]);
  }
  async function freshDb(name: string): Promise<string> {
    const db = join(dir, `${name}.sqlite`);
    const store = await openStore({ dbPath: db });
    await store.inventory.importTopology(
      parseTopologyFile({
        id: topologyId,
        name: `${tag} office`,
        language_default: 'en',
        email_personas: PERSONAS,
        deckies: [{ name: mail, services: ['imap'] }],
      }),
    );
    await store.close();
    return db;
  }
  async function read(db: string) {
    const store = await openStore({ dbPath: db });
    try {
      const running = await store.inventory.listRunningDeckies();
      const webUuid = running.find((d) => d.name === web)?.uuid ?? '';
      const mailUuid = running.find((d) => d.name === mail)?.uuid ?? '';
      const events = (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
      return {
        webUuid,
        mailUuid,
        files: await store.files.filesOf(webUuid),
        backfilledEvents: events.filter((e) => e.payload.backfilled === true),
        emails: (await store.emails.listEmails({ limit: 1000, offset: 0 })).data.reverse(),
        fileLog: await store.backfills.getBackfill(webUuid, 'files'),
        mailLog: await store.backfills.getBackfill(mailUuid, 'emails'),
      };
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    topologyId = '6f1f3f8e-6c55-4a43-9a59-3c1f0b0e0a11';
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: web, services: ['ssh'], labels: { 'decnet.scope': tag } },
      { name: mail, services: ['imap'], labels: { 'decnet.scope': tag }, topologyId },
    ]);
    // the web decky has one person, as a deployed box would: people's files go in jdoe's home
    sh(`${web}-ssh`, ['useradd', '-m', '-s', '/bin/bash', 'jdoe']);
    ollama = await startOllamaServer();
    ollama.enqueue(
      ...Array.from({ length: 40 }, (_, i) => ({
        kind: 'answer' as const,
        text: `Subject: Supplier question ${i + 1}\n\nHello,\n\nquestion ${i + 1} about the open orders.\n\nBest regards`,
      })),
    );
  }, 120_000);

  afterAll(async () => {
    if (launched) await removeDeckies(docker, launched);
    await ollama?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('orchestrate backfills a fresh decky once: past files whose stat matches the store; a second run adds none', async () => {
    const db = await freshDb('orchestrate');
    const started = Date.now();
    await decnet(db, ['orchestrate', '--interval', '0.2', '--ticks', '10', '--backfill-days', '14']);
    const first = await read(db);
    expect(first.fileLog).toMatchObject({ status: 'done', attempts: 1 });
    const past = first.files.filter((f) => f.lastModified.getTime() < started - 10 * 60_000);
    expect(past.length).toBeGreaterThanOrEqual(5);
    expect(first.backfilledEvents.length).toBeGreaterThanOrEqual(past.length);
    expect(Math.min(...past.map((f) => f.createdAt.getTime()))).toBeGreaterThan(started - 15 * 86_400_000);
    const out = sh(`${web}-ssh`, [
      'sh',
      '-c',
      'for p in "$@"; do stat -c %Y -- "$p"; sha256sum -- "$p" | cut -d" " -f1; done',
      'sh',
      ...past.map((f) => f.path),
    ])
      .trim()
      .split('\n');
    past.forEach((f, i) => {
      expect(Number(out[2 * i]), f.path).toBe(Math.floor(f.lastModified.getTime() / 1000));
      expect(out[2 * i + 1], f.path).toBe(f.contentHash);
    });
    // people's files are in the one home the decky has, theirs; no other home was made
    const homes = past.filter((f) => f.path.startsWith('/home/')).map((f) => f.path);
    expect(homes.length).toBeGreaterThan(0);
    for (const p of homes) expect(p).toMatch(/^\/home\/jdoe\//);
    expect(sh(`${web}-ssh`, ['find', '/home', '-mindepth', '1', '-maxdepth', '1', '-printf', '%u %p\\n'])).toBe('jdoe /home/jdoe\n');
    expect(
      new Set(
        sh(`${web}-ssh`, ['stat', '-c', '%U', '--', ...homes])
          .trim()
          .split('\n'),
      ),
    ).toEqual(new Set(['jdoe']));
    await decnet(db, ['orchestrate', '--interval', '0.2', '--ticks', '5']);
    const second = await read(db);
    expect(second.backfilledEvents).toHaveLength(first.backfilledEvents.length);
    expect(second.fileLog).toMatchObject({ status: 'done', attempts: 1 });
  }, 120_000);

  it('emailgen backfills a fresh mail decky: threaded EMLs dated inside their senders’ hours, mtime = Date = the row; once', async () => {
    const db = await freshDb('emailgen');
    await decnet(db, ['emailgen', '--interval', '0.2', '--ticks', '5', '--backfill-days', '21']);
    const { emails, mailLog } = await read(db);
    const past = emails.filter((r) => r.payload.backfilled === true);
    expect(past.length).toBeGreaterThanOrEqual(10);
    expect(past.length).toBeLessThanOrEqual(30);
    expect(past.every((r) => r.success)).toBe(true);
    expect(mailLog).toMatchObject({ status: 'done', items: past.length });
    // the spool as the container holds it, with every mtime read inside the container
    const out = join(dir, 'spool');
    mkdirSync(out);
    execFileSync('tar', ['-xf', '-', '-C', out], {
      input: execFileSync('docker', ['exec', `${mail}-imap`, 'tar', '-C', SPOOL, '-cf', '-', '.'], { maxBuffer: 64 << 20 }),
    });
    const mtimes = new Map(
      sh(`${mail}-imap`, ['find', SPOOL, '-type', 'f', '-exec', 'stat', '-c', '%Y %n', '{}', '+'])
        .trim()
        .split('\n')
        .map((l) => [l.slice(l.indexOf(' ') + 1), Number(l.slice(0, l.indexOf(' ')))] as const),
    );
    const files = new Map<string, { mail: ParsedMail; raw: string; row: EmailRecord }>();
    for (const row of past) {
      const rel = row.emlPath.slice(SPOOL.length + 1);
      const raw = readFileSync(join(out, rel));
      files.set(row.messageId, { mail: await simpleParser(raw), raw: raw.toString('latin1'), row });
    }
    expect(readdirSync(out).length).toBeGreaterThan(0);
    const byEmail = new Map(PERSONAS.map((p) => [p.email, p]));
    for (const { mail: m, raw, row } of files.values()) {
      const sender = byEmail.get(row.senderEmail)!;
      expect(mtimes.get(row.emlPath)).toBe(m.date!.getTime() / 1000);
      expect(row.ts.getTime()).toBe(m.date!.getTime());
      expect(raw.match(/^Date: (.*)$/m)![1]).toBe(formatMailDate(row.ts, sender.timezone));
      expect(isActive(sender as unknown as Persona, row.ts), `${sender.email} at ${row.ts.toISOString()}`).toBe(true);
      expect(row.ts.getTime()).toBeLessThan(Date.now() - 10 * 60_000);
    }
    const replies = [...files.values()].filter((f) => f.row.inReplyTo);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const r of replies) {
      const parent = files.get(r.row.inReplyTo!)!;
      expect(parent).toBeDefined();
      expect(r.mail.inReplyTo).toBe(parent.row.messageId);
      expect([r.mail.references].flat()).toEqual([
        ...(parent.mail.references ? [parent.mail.references].flat() : []),
        parent.row.messageId,
      ]);
      expect(r.row.ts.getTime()).toBeGreaterThan(parent.row.ts.getTime());
      expect(r.row.threadId).toBe(parent.row.threadId);
      expect(r.mail.subject).toMatch(/^Re: (?!Re:)/);
    }
    await decnet(db, ['emailgen', '--interval', '0.2', '--ticks', '3']);
    const again = await read(db);
    expect(again.emails.filter((r) => r.payload.backfilled === true)).toHaveLength(past.length);
    expect(again.mailLog).toMatchObject({ attempts: 1 });
  }, 180_000);

  it('--no-backfill gives neither a past', async () => {
    const db = await freshDb('none');
    await decnet(db, ['orchestrate', '--interval', '0.2', '--ticks', '5', '--no-backfill']);
    await decnet(db, ['emailgen', '--interval', '0.2', '--ticks', '3', '--no-backfill']);
    const r = await read(db);
    expect(r.backfilledEvents).toHaveLength(0);
    expect(r.emails.filter((e) => e.payload.backfilled === true)).toHaveLength(0);
    expect(r.fileLog).toBeNull();
    expect(r.mailLog).toBeNull();
  }, 120_000);
});
