import { type ParsedMail, simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedLlm, type ScriptStep } from '../../../src/infra/llm/impl/fake.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { formatMailDate } from '../../../src/infra/mail/mail-date.js';
import type { Persona } from '../../../src/domain/persona.js';
import { type EmailBackfillDeps, backfillEmails } from '../../../src/actors/realism/email-backfill.js';
import type { EmailRecord } from '../../../src/domain/email-record.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { isActive } from '../../../src/machines/email/active-hours.js';
import { FakeMailDocker } from '../../fakes/fake-mail-docker.js';
import { tempDir } from '../../infra/store/store-fixtures.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';

const NOW = new Date('2025-03-24T16:00:00Z');
const SPOOL = '/var/spool/mail-archive';
const persona = (name: string, email: string, timezone: string, active_hours: string, language = 'en'): Persona => ({
  name,
  email,
  role: 'engineer',
  tone: 'direct',
  mannerisms: ['asks a direct question', 'keeps it short', 'signs with initials'],
  language,
  signature: null,
  active_hours,
  reply_latency: 'normal',
  uses_llms_heavily: false,
  timezone,
});
const PERSONAS = [
  persona('Ann Keller', 'ann.keller@corp.example', 'Europe/Berlin', '08:30-17:00', 'de'),
  persona('Bob Stone', 'bob.stone@corp.example', 'America/New_York', '09:00-18:00'),
  persona('Chen Wei', 'chen.wei@corp.example', 'Asia/Shanghai', '10:00-16:00'),
];
const mail01: RunningDecky = {
  uuid: 'local:mail01',
  name: 'mail01',
  ip: '10.0.0.4',
  services: ['imap'],
  source: 'fleet',
  hostUuid: 'local',
};
const web01: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet', hostUuid: 'local' };
const answers = (n: number): ScriptStep[] =>
  Array.from({ length: n }, (_, i) => ({
    text: `Subject: Item ${i + 1} \u2014 follow-up\n\nHello,\n\nnote number ${i + 1} about the plan.\n\nRegards`,
  }));

type Delivered = { row: EmailRecord; raw: string; mail: ParsedMail; mtime: number };

describe('backfillEmails', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let fake: FakeMailDocker;
  let settled: string[][];
  beforeEach(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    fake = new FakeMailDocker();
    fake.addDecky('mail01', { services: ['imap'] });
    settled = modelPlannedFiles(fake).settled;
  });
  afterEach(async () => {
    await store.close();
    await tmp.cleanup();
  });

  const deps = (llm: ScriptedLlm, over: Partial<EmailBackfillDeps> = {}): EmailBackfillDeps => ({
    dockerFor: () => fake,
    emails: store.emails,
    llm,
    spoolRoot: SPOOL,
    hostZone: 'UTC',
    logger: silentLogger,
    ...over,
  });
  const rows = async () => (await store.emails.listEmails({ limit: 1000, offset: 0, mailDeckyUuid: mail01.uuid })).data.reverse();
  const delivered = async (): Promise<Delivered[]> =>
    Promise.all(
      (await rows())
        .filter((r) => r.success)
        .map(async (row) => {
          const file = fake.spoolFile('mail01-imap', row.emlPath)!;
          const raw = file.bytes.toString('latin1');
          return { row, raw, mail: await simpleParser(file.bytes), mtime: file.mtime };
        }),
    );

  it('writes at most the cap, each EML with mtime = Date = the row, dated inside its sender’s hours in its zone', async () => {
    const llm = new ScriptedLlm(answers(80));
    const r = await backfillEmails(mail01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 5 });
    expect(r.skipped).toBeUndefined();
    expect(r.delivered).toBeGreaterThanOrEqual(20);
    expect(r.delivered).toBeLessThanOrEqual(30);
    expect(llm.prompts).toHaveLength(r.delivered);
    const mails = await delivered();
    expect(mails).toHaveLength(r.delivered);
    const byEmail = new Map(PERSONAS.map((p) => [p.email, p]));
    for (const m of mails) {
      const sender = byEmail.get(m.row.senderEmail)!;
      expect(m.row.payload).toMatchObject({ backfilled: true, stage: 'delivered' });
      expect(m.mtime * 1000).toBe(m.mail.date!.getTime());
      expect(m.row.ts.getTime()).toBe(Math.floor(m.row.ts.getTime() / 1000) * 1000);
      expect(Math.floor(m.row.ts.getTime() / 1000)).toBe(m.mtime);
      expect(m.raw.match(/^Date: (.*)$/m)![1]).toBe(formatMailDate(m.row.ts, sender.timezone!));
      expect(isActive(sender, m.row.ts), `${sender.email} at ${m.row.ts.toISOString()}`).toBe(true);
      expect(m.row.senderEmail).not.toBe(m.row.recipientEmail);
      expect(m.row.ts.getTime()).toBeLessThan(NOW.getTime());
      expect(m.row.ts.getTime()).toBeGreaterThan(NOW.getTime() - 21 * 86_400_000);
      // the live parser's rules hold: no em-dashes for personas that do not use LLMs heavily
      expect(m.mail.subject).not.toMatch(/\u2014/);
    }
    // weeks of past, not one afternoon
    const spanDays = (mails.at(-1)!.row.ts.getTime() - mails[0]!.row.ts.getTime()) / 86_400_000;
    expect(spanDays).toBeGreaterThan(10);
  });

  it('threads replies after their parents: In-Reply-To, a full References chain, one Re:, the same thread directory', async () => {
    const llm = new ScriptedLlm(answers(80));
    const r = await backfillEmails(mail01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 5 });
    const mails = await delivered();
    const byId = new Map(mails.map((m) => [m.row.messageId, m]));
    const replies = mails.filter((m) => m.row.inReplyTo !== null);
    expect(replies.length).toBe(r.replies);
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const m of replies) {
      const parent = byId.get(m.row.inReplyTo!)!;
      expect(parent, 'parent delivered in this backfill').toBeDefined();
      expect(m.row.ts.getTime()).toBeGreaterThan(parent.row.ts.getTime());
      expect(m.row.threadId).toBe(parent.row.threadId);
      expect(m.row.emlPath.startsWith(`${SPOOL}/${parent.row.threadId}/`)).toBe(true);
      expect(m.row.recipientEmail).toBe(parent.row.senderEmail);
      expect(m.row.senderEmail).toBe(parent.row.recipientEmail);
      const parentRefs = parent.mail.references ? [parent.mail.references].flat() : [];
      expect([m.mail.references].flat()).toEqual([...parentRefs, parent.row.messageId]);
      expect(m.mail.inReplyTo).toBe(parent.row.messageId);
      expect(m.row.subject).toBe(`Re: ${parent.row.subject.replace(/^Re: /, '')}`);
    }
    // the reply prompt quotes its parent, as the live prompt does
    const i = mails.indexOf(replies[0]!);
    expect(llm.prompts[i]).toContain(byId.get(replies[0]!.row.inReplyTo!)!.row.subject.replace(/^Re: /, ''));
    // thread directories and the spool root were given their newest message's mtime
    expect(settled.at(-1)!.at(-1)).toBe(SPOOL);
    expect(new Set(settled.flat())).toEqual(new Set([SPOOL, ...mails.map((m) => `${SPOOL}/${m.row.threadId}`)]));
  });

  it('records LLM failures as failed rows and carries on', async () => {
    const steps: ScriptStep[] = answers(80).map((s, i) =>
      i % 3 === 1 ? { fail: 'model overloaded' } : i % 7 === 3 ? { timeout: true } : s,
    );
    const r = await backfillEmails(mail01, PERSONAS, deps(new ScriptedLlm(steps)), { days: 21, now: NOW, seed: 5, maxEmails: 12 });
    const all = await rows();
    expect(all).toHaveLength(12);
    const failed = all.filter((x) => !x.success);
    expect(failed.length).toBe(r.failed);
    expect(failed.length).toBeGreaterThanOrEqual(4);
    for (const f of failed)
      expect(f).toMatchObject({ messageId: '', subject: '', emlPath: '', payload: { stage: 'llm', backfilled: true } });
    expect(failed.some((f) => f.payload.timed_out === true)).toBe(true);
    expect(r.delivered).toBe(12 - r.failed);
    expect(fake.spool).toHaveLength(r.delivered);
  });

  it('gives up after five LLM failures in a row, leaving the rest for later', async () => {
    const r = await backfillEmails(mail01, PERSONAS, deps(new ScriptedLlm(Array.from({ length: 5 }, () => ({ fail: 'down' })))), {
      days: 21,
      now: NOW,
      seed: 5,
    });
    expect(r).toMatchObject({ delivered: 0, failed: 5, gaveUp: true });
    expect(await rows()).toHaveLength(5);
  });

  it('skips a decky that already has email, a decky without mail, and a scope without two personas', async () => {
    const llm = new ScriptedLlm([]);
    expect(await backfillEmails(web01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 5 })).toMatchObject({
      skipped: 'not a mail decky',
    });
    expect(
      await backfillEmails(mail01, [PERSONAS[0]!, { ...PERSONAS[0]!, email: 'ANN.KELLER@corp.example' }], deps(llm), {
        days: 21,
        now: NOW,
        seed: 5,
      }),
    ).toMatchObject({
      skipped: 'fewer than two personas in scope',
      retry: true,
    });
    await backfillEmails(mail01, PERSONAS, deps(new ScriptedLlm(answers(3))), { days: 21, now: NOW, seed: 5, maxEmails: 3 });
    expect(await backfillEmails(mail01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 5 })).toMatchObject({
      skipped: 'already has emails',
      delivered: 0,
    });
    expect(llm.prompts).toHaveLength(0);
  });

  it('with `avoid`, writes only what the cap leaves after the past already written', async () => {
    const first = await backfillEmails(mail01, PERSONAS, deps(new ScriptedLlm(answers(4))), { days: 21, now: NOW, seed: 5, maxEmails: 4 });
    const llm = new ScriptedLlm(answers(10));
    const r = await backfillEmails(mail01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 6, maxEmails: 10, existing: 'avoid' });
    expect(first.delivered).toBeGreaterThan(0);
    expect(r.delivered).toBeGreaterThan(0);
    expect(r.delivered).toBeLessThanOrEqual(10 - first.delivered);
    expect((await rows()).filter((x) => x.success)).toHaveLength(first.delivered + r.delivered);
  });

  it('stops between two emails when its signal aborts; what was delivered is recorded', async () => {
    const abort = new AbortController();
    const llm = new ScriptedLlm(answers(80));
    const generate = llm.generate.bind(llm);
    llm.generate = async (p) => {
      if (llm.prompts.length === 3) abort.abort();
      return generate(p);
    };
    const r = await backfillEmails(mail01, PERSONAS, deps(llm), { days: 21, now: NOW, seed: 5, signal: abort.signal });
    // the fourth generation was under way when the signal came: it is dropped, not waited for
    expect(r).toMatchObject({ abandoned: true, delivered: 3 });
    expect((await rows()).map((x) => x.emlPath).sort()).toEqual(fake.spool.map((f) => f.path).sort());
  });

  it('does not wait out a model that hangs when its signal aborts', async () => {
    const abort = new AbortController();
    const hung = new ScriptedLlm([]);
    hung.generate = () => new Promise(() => {});
    setTimeout(() => abort.abort(), 50);
    const t0 = performance.now();
    const r = await backfillEmails(mail01, PERSONAS, deps(hung), { days: 21, now: NOW, seed: 5, signal: abort.signal });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r).toMatchObject({ abandoned: true, delivered: 0, failed: 0 });
    expect(await rows()).toHaveLength(0);
  });

  it('refuses a hostile spool root and writes nothing', async () => {
    const r = await backfillEmails(mail01, PERSONAS, deps(new ScriptedLlm(answers(2)), { spoolRoot: '/var/spool/../../etc' }), {
      days: 21,
      now: NOW,
      seed: 5,
      maxEmails: 2,
    });
    expect(r.delivered).toBe(0);
    expect(fake.spool).toHaveLength(0);
    expect((await rows()).every((x) => !x.success && String(x.payload.stderr).startsWith('refused'))).toBe(true);
  });
});
