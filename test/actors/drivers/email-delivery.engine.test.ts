import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerodePort } from '../../../src/infra/docker/impl/dockerode.js';
import { runEmailDelivery, type DeliveryRequest } from '../../../src/actors/drivers/email-delivery.driver.js';
import { buildEml, newMessageId } from '../../../src/infra/mail/eml.js';
import { hasDocker } from '../../support/docker-available.js';
import { EngineFixture } from '../../infra/docker/engine.fixture.js';

const fx = new EngineFixture('dnt-mail');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
const SPOOL = '/var/spool/mail-archive';
// the `-imap` service container of a decky laid out as DECNET's
let mail: { name: string };

function message(date: Date, body = 'Hello Bob,\n\nsee you at 10.\n\nAlice') {
  return buildEml({
    from: { name: 'Alice Martin', email: 'alice@acme.example' },
    to: { name: 'Bob Stone', email: 'bob@acme.example' },
    subject: 'Budget',
    body,
    date,
    timezone: 'Europe/Berlin',
    messageId: newMessageId('alice@acme.example'),
  });
}

function request(eml: ReturnType<typeof message>, threadId = '6a1f3c55-8f0e-4c55-b1c2-2f1d0e9a7b6c'): DeliveryRequest {
  return { container: mail.name, spoolRoot: SPOOL, threadId, messageId: eml.headers.messageId, sentAt: eml.headers.sentAt, eml: eml.bytes };
}

describe.runIf(hasDocker)('email delivery on the real engine', () => {
  beforeAll(async () => {
    mail = { name: (await fx.decky({ name: 'mail01', services: ['imap'] })).services[0]! };
  });
  afterAll(async () => {
    await fx.cleanup();
    port.close();
  });

  it('writes the EML byte for byte with a file mtime equal to the Date header, to the second', async () => {
    const eml = message(new Date('2025-11-04T07:30:12.750Z'));
    const out = await runEmailDelivery(port, request(eml));
    expect(out).toMatchObject({ success: true, rc: 0, existed: false });
    const cat = await fx.sh(mail.name, `cat '${out.emlPath}' | sha256sum; stat -c %Y '${out.emlPath}'`);
    const [sum, mtime] = cat.out.trim().split('\n');
    const { createHash } = await import('node:crypto');
    expect(sum?.split(' ')[0]).toBe(createHash('sha256').update(eml.bytes).digest('hex'));
    expect(Number(mtime)).toBe(eml.headers.sentAt.getTime() / 1000);
    expect(Date.parse(eml.headers.date)).toBe(eml.headers.sentAt.getTime());
  });

  it('leaves no temporary file behind and never exposes a partial .eml', async () => {
    const eml = message(new Date('2025-11-04T08:00:00Z'));
    const out = await runEmailDelivery(port, request(eml, 'thread-tmp-check'));
    expect(out.success).toBe(true);
    const ls = await fx.sh(mail.name, `ls -A '${SPOOL}/thread-tmp-check'`);
    expect(ls.out.trim().split('\n')).toEqual([out.emlPath.split('/').at(-1)]);
  });

  it('is idempotent per Message-ID: a second delivery succeeds and does not rewrite the file', async () => {
    const eml = message(new Date('2025-11-04T09:00:00Z'));
    const first = await runEmailDelivery(port, request(eml, 'thread-idem'));
    const again = await runEmailDelivery(port, {
      ...request(eml, 'thread-idem'),
      eml: Buffer.from('tampered'),
      sentAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(first).toMatchObject({ success: true, existed: false });
    expect(again).toMatchObject({ success: true, existed: true });
    const st = await fx.sh(mail.name, `stat -c '%s %Y' '${first.emlPath}'`);
    expect(st.out.trim()).toBe(`${eml.bytes.length} ${eml.headers.sentAt.getTime() / 1000}`);
  });

  it('treats a hostile body as data: nothing in it runs in the container', async () => {
    const body = "$(touch /tmp/canary) `touch /tmp/canary` '; touch /tmp/canary; '\nEOF\n";
    const eml = message(new Date('2025-11-04T10:00:00Z'), body);
    const out = await runEmailDelivery(port, request(eml, 'thread-hostile'));
    expect(out.success).toBe(true);
    const canary = await fx.sh(mail.name, 'test -e /tmp/canary && echo present || echo absent');
    expect(canary.out.trim()).toBe('absent');
  });

  it('fails without throwing when the spool cannot be created, and leaves nothing half-written', async () => {
    await fx.sh(mail.name, 'mkdir -p /ro && touch /ro/blocker');
    const eml = message(new Date('2025-11-04T11:00:00Z'));
    // the spool root is a file: mkdir -p fails before anything is written
    const out = await runEmailDelivery(port, { ...request(eml), spoolRoot: '/ro/blocker' });
    expect(out.success).toBe(false);
    expect(out.rc).not.toBe(0);
    expect(out.stderr).toMatch(/mkdir|Not a directory|File exists/i);
  });

  it('reports a container that does not exist as rc 127, not an exception', async () => {
    const eml = message(new Date('2025-11-04T12:00:00Z'));
    const out = await runEmailDelivery(port, { ...request(eml), container: `${fx.prefix}-gone-imap` });
    expect(out).toMatchObject({ success: false, rc: 127 });
  });
});
