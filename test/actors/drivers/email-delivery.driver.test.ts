import { describe, expect, it } from 'vitest';
import {
  DELIVERY_MAX_OUTPUT,
  EMAIL_DELIVERY_SCRIPT,
  buildDeliveryExec,
  runEmailDelivery,
  type DeliveryRequest,
} from '../../../src/actors/drivers/email-delivery.driver.js';
import { FakeMailDocker } from '../../fakes/fake-mail-docker.js';
import { HOSTILE } from './hostile-values.js';

const THREAD = '0b6f7c1e-2d4a-4f5e-9a1b-3c8d7e6f5a4b';
const MSG = '<3f2a9c0d1e4b5a6978877665544332211@acme.example>';
const SENT = new Date('2026-03-03T08:14:07.900Z');

function req(over: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    container: 'mail01-imap',
    spoolRoot: '/var/spool/mail-archive',
    threadId: THREAD,
    messageId: MSG,
    sentAt: SENT,
    eml: Buffer.from('Subject: x\r\n\r\nhi\r\n'),
    ...over,
  };
}

describe('email delivery driver', () => {
  describe('buildDeliveryExec', () => {
    it('runs the fixed script with the thread dir, the file name and the Date in epoch seconds as positionals, EML on stdin', () => {
      const b = buildDeliveryExec(req(), { timeoutMs: 5000 });
      expect(b).toEqual({
        ok: true,
        path: `/var/spool/mail-archive/${THREAD}/3f2a9c0d1e4b5a6978877665544332211_at_acme.example.eml`,
        exec: {
          container: 'mail01-imap',
          argv: [
            'sh',
            '-c',
            EMAIL_DELIVERY_SCRIPT,
            'sh',
            `/var/spool/mail-archive/${THREAD}`,
            '3f2a9c0d1e4b5a6978877665544332211_at_acme.example.eml',
            '1772525647',
          ],
          stdin: req().eml,
          timeoutMs: 5000,
          maxOutputBytes: DELIVERY_MAX_OUTPUT,
        },
      });
    });

    it('only ever uses its positionals double-quoted inside the fixed script', () => {
      // $1..$3 are read once into variables; every later use is quoted
      expect(EMAIL_DELIVERY_SCRIPT).toContain('dir=$1; name=$2; when=$3');
      const uses = EMAIL_DELIVERY_SCRIPT.replace('dir=$1; name=$2; when=$3', '').match(/\$(dir|name|when|tmp)\b/g) ?? [];
      const quoted =
        EMAIL_DELIVERY_SCRIPT.match(/"[^"]*\$(dir|name|when|tmp)[^"]*"/g)
          ?.join(' ')
          .match(/\$(dir|name|when|tmp)\b/g) ?? [];
      expect(uses.length).toBeGreaterThan(0);
      expect(quoted.length).toBe(uses.length);
    });

    it.each([...HOSTILE, '../../etc/cron.d', 'a/b', '.hidden', 'x'.repeat(129)])('refuses the thread id %j', (threadId) => {
      expect(buildDeliveryExec(req({ threadId }))).toMatchObject({ ok: false });
    });

    it.each(['<../../x@a.b>', '<a/b@a.b>', '<x@a.b>\n<y@c.d>', '<$(id)@a.b>', '<.x@a.b>', ''])('refuses the Message-ID %j', (messageId) => {
      expect(buildDeliveryExec(req({ messageId }))).toMatchObject({ ok: false });
    });

    it.each(['relative/spool', '/var/../etc', '/var/./spool'])('refuses the spool root %j', (spoolRoot) => {
      expect(buildDeliveryExec(req({ spoolRoot }))).toMatchObject({ ok: false });
    });

    it.each(HOSTILE)('refuses the container name %j', (container) => {
      expect(buildDeliveryExec(req({ container }))).toMatchObject({ ok: false });
    });

    it('refuses an invalid Date', () => {
      expect(buildDeliveryExec(req({ sentAt: new Date('nope') }))).toMatchObject({ ok: false, reason: 'refused: invalid Date' });
    });
  });

  describe('runEmailDelivery', () => {
    it('delivers once and reports an existing file as success without rewriting it', async () => {
      const docker = new FakeMailDocker();
      docker.addDecky('mail01', { services: ['imap'] });
      const first = await runEmailDelivery(docker, req());
      const second = await runEmailDelivery(docker, req({ eml: Buffer.from('different bytes') }));
      expect(first).toMatchObject({ success: true, rc: 0, existed: false, bytes: req().eml.byteLength });
      expect(second).toMatchObject({ success: true, rc: 0, existed: true });
      expect(docker.spool).toHaveLength(1);
      expect(docker.spool[0]!.bytes.toString()).toBe('Subject: x\r\n\r\nhi\r\n');
      expect(docker.spool[0]!.mtime).toBe(Math.floor(SENT.getTime() / 1000));
    });

    it('executes nothing when the request is refused, and says why', async () => {
      const docker = new FakeMailDocker();
      const out = await runEmailDelivery(docker, req({ threadId: '../x' }));
      expect(docker.calls).toHaveLength(0);
      expect(out).toMatchObject({ success: false, rc: null, emlPath: '', stderr: 'refused: unsafe thread id' });
    });

    it('reports a missing container as rc 127 instead of throwing', async () => {
      const out = await runEmailDelivery(new FakeMailDocker(), req());
      expect(out).toMatchObject({ success: false, rc: 127 });
      expect(out.stderr).toMatch(/no such container/);
    });

    it('reports a hung container as a timeout (rc 124)', async () => {
      const docker = new FakeMailDocker();
      docker.addDecky('mail01', { services: ['imap'] });
      docker.scriptNextExec('mail01-imap', { kind: 'hang' });
      const out = await runEmailDelivery(docker, req(), { timeoutMs: 20 });
      expect(out).toMatchObject({ success: false, rc: 124, timedOut: true });
      expect(docker.calls[0]!.timeoutMs).toBe(20);
    });

    it('reports a flooding container as truncated and never trusts its output', async () => {
      const docker = new FakeMailDocker();
      docker.addDecky('mail01', { services: ['imap'] });
      docker.scriptNextExec('mail01-imap', { kind: 'flood' });
      expect(await runEmailDelivery(docker, req())).toMatchObject({ success: false, truncated: true });
    });

    it('does not count rc 0 with unexpected output as a delivery', async () => {
      const docker = new FakeMailDocker();
      docker.addDecky('mail01', { services: ['imap'] });
      docker.scriptNextExec('mail01-imap', { kind: 'result', result: { rc: 0, stdout: 'sure, delivered \u001b[31m' } });
      const out = await runEmailDelivery(docker, req());
      expect(out.success).toBe(false);
      expect(out.stderr).not.toContain('\u001b');
    });

    it('turns a throwing port into a failed result', async () => {
      const docker = new FakeMailDocker();
      docker.exec = async () => {
        throw new Error('engine exploded');
      };
      expect(await runEmailDelivery(docker, req())).toMatchObject({ success: false, rc: 125, stderr: 'engine exploded' });
    });
  });
});
