import { simpleParser } from 'mailparser';
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createDeliverEmailLogic } from '../../../src/actors/email/deliver-email.actor.js';
import { localOnly } from '../../../src/actors/worker/local-only.js';
import type { DockerPort } from '../../../src/infra/docker/docker.port.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import type { EmailDraft } from '../../../src/machines/mail/mail.events.js';
import { emailDraft, mailDecky } from '../../builders/emailgen.builders.js';
import { FakeMailDocker } from '../../fakes/fake-mail-docker.js';

const SPOOL = '/var/spool/mail-archive';

function setup() {
  const docker = new FakeMailDocker();
  docker.addDecky('mail01', { services: ['pop3', 'imap'] });
  const logic = createDeliverEmailLogic({ dockerFor: localOnly(docker), spoolRoot: SPOOL, limits: { timeoutMs: 3000 } });
  const deliver = (draft: EmailDraft, decky: RunningDecky = mailDecky('mail01', { services: ['pop3', 'imap'] })) =>
    toPromise(createActor(logic, { input: { decky, draft } }).start());
  return { docker, deliver };
}

describe('deliver actor', () => {
  it('builds an RFC 5322 message a strict parser reads as written, into <name>-imap, with mtime = Date', async () => {
    const { docker, deliver } = setup();
    const draft = emailDraft({ subject: 'Budget – Q3 für München', to: { name: 'Zoë Müller', email: 'zoe@acme.example' } });
    const out = await deliver(draft);
    expect(out).toMatchObject({ success: true, rc: 0, container: 'mail01-imap', date: 'Tue, 03 Mar 2026 09:14:07 +0100' });
    expect(docker.calls[0]!.timeoutMs).toBe(3000);
    const file = docker.spool[0]!;
    expect(file.container).toBe('mail01-imap');
    expect(file.path).toBe(out.emlPath);
    expect(out.emlPath).toMatch(new RegExp(`^${SPOOL}/${draft.threadId}/[0-9a-f]{32}_at_acme\\.example\\.eml$`));
    const text = file.bytes.toString('latin1');
    expect(text.match(/^MIME-Version:/gim)).toHaveLength(1);
    expect(text).not.toMatch(/Content-Transfer-Encoding: base64/i);
    const mail = await simpleParser(file.bytes);
    expect(mail.subject).toBe('Budget – Q3 für München');
    expect(mail.from?.value[0]).toEqual({ name: 'Alice Martin', address: 'alice@acme.example' });
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]).toEqual({ name: 'Zoë Müller', address: 'zoe@acme.example' });
    expect(mail.messageId).toBe(out.messageId);
    expect(mail.text?.trim()).toBe(draft.body);
    expect(mail.date?.toISOString()).toBe(draft.at);
    expect(file.mtime).toBe(Date.parse(draft.at) / 1000);
  });

  it('stores the copy under the trace the receiving server adds: Return-Path, Delivered-To, Received by the mail decky', async () => {
    const { docker, deliver } = setup();
    const draft = emailDraft({ to: { name: 'Zoë Müller', email: 'zoe@acme.example' } });
    const out = await deliver(draft);
    const text = docker.spool[0]!.bytes.toString('latin1');
    expect(text).toMatch(/^Return-Path: <alice@acme\.example>\r\nDelivered-To: zoe@acme\.example\r\nReceived: from /);
    const mail = await simpleParser(docker.spool[0]!.bytes);
    const received = mail.headers.get('received') as string[];
    expect(received[0]).toMatch(/by mail01 \(Postfix\) with ESMTPS id [0-9A-F]{10}\s+for <zoe@acme\.example>;/);
    expect(out.bytes).toBe(docker.spool[0]!.bytes.length);
  });

  it('writes In-Reply-To and References on replies', async () => {
    const { docker, deliver } = setup();
    await deliver(
      emailDraft({ inReplyTo: '<b@acme.example>', references: ['<a@acme.example>', '<b@acme.example>'], subject: 'Re: Budget review' }),
    );
    const mail = await simpleParser(docker.spool[0]!.bytes);
    expect(mail.inReplyTo).toBe('<b@acme.example>');
    expect(mail.references).toEqual(['<a@acme.example>', '<b@acme.example>']);
  });

  it('falls back to <name>-pop3 when the decky has no imap', async () => {
    const docker = new FakeMailDocker();
    docker.addDecky('mail02', { services: ['pop3'] });
    const logic = createDeliverEmailLogic({ dockerFor: localOnly(docker), spoolRoot: SPOOL });
    const out = await toPromise(
      createActor(logic, { input: { decky: mailDecky('mail02', { services: ['pop3'] }), draft: emailDraft() } }).start(),
    );
    expect(out).toMatchObject({ success: true, container: 'mail02-pop3' });
  });

  it('keeps a CRLF in a subject or a name from ever starting a header', async () => {
    const { docker, deliver } = setup();
    await deliver(
      emailDraft({ subject: 'Hello\r\nBcc: victim@evil.example', from: { name: 'Alice\r\nX-Injected: 1', email: 'alice@acme.example' } }),
    );
    const text = docker.spool[0]!.bytes.toString('latin1');
    expect(text).not.toMatch(/^Bcc:/im);
    expect(text).not.toMatch(/^X-Injected:/im);
  });

  it('refuses, without executing anything, a decky with neither imap nor pop3, an unknown zone, or an unsafe thread id', async () => {
    const { docker, deliver } = setup();
    const none = await deliver(emailDraft(), mailDecky('web01', { services: ['ssh'] }));
    const zone = await deliver(emailDraft({ timezone: 'Mars/Olympus' }));
    const thread = await deliver(emailDraft({ threadId: '../../etc/cron.d' }));
    for (const out of [none, zone, thread])
      expect(out).toMatchObject({ success: false, rc: null, stderr: expect.stringMatching(/^refused: /) });
    expect(docker.calls).toHaveLength(0);
  });

  it('turns a shard decky without a configured engine into a failed result, not an exception', async () => {
    const { docker, deliver } = setup();
    const out = await deliver(emailDraft(), mailDecky('mail09', { source: 'shard', hostUuid: 'remote-1', uuid: 'remote-1:mail09' }));
    expect(out).toMatchObject({ success: false, rc: null, stderr: expect.stringContaining('no Docker engine configured') });
    expect(docker.calls).toHaveLength(0);
  });

  it('hands its exec the actor signal, so a stopped delivery abandons the exec at once', async () => {
    let seen: AbortSignal | undefined;
    const hung: DockerPort = {
      hostId: 'local',
      exec: (req) => {
        seen = req.signal;
        return new Promise((resolve) =>
          req.signal?.addEventListener('abort', () =>
            resolve({ rc: 125, stdout: '', stderr: 'aborted', timedOut: false, truncated: false, durationMs: 1 }),
          ),
        );
      },
      listDeckyContainers: () => Promise.reject(new Error('not implemented: listDeckyContainers')),
      watchEvents: () => {
        throw new Error('not implemented: watchEvents');
      },
      ping: () => Promise.reject(new Error('not implemented: ping')),
      readFile: () => Promise.reject(new Error('not implemented: readFile')),
    };
    const logic = createDeliverEmailLogic({ dockerFor: () => hung, spoolRoot: SPOOL });
    const actor = createActor(logic, { input: { decky: mailDecky('mail01', { services: ['imap'] }), draft: emailDraft() } }).start();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen?.aborted).toBe(false);
    actor.stop();
    expect(seen?.aborted).toBe(true);
  });
});
