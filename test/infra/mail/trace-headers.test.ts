import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildEml } from '../../../src/infra/mail/eml.js';
import { receivingHost, senderMtaAddress, senderMtaHost, traceHeaders, withTraceHeaders } from '../../../src/infra/mail/trace-headers.js';

const SENT = new Date('2026-03-03T08:14:07Z');
const base = {
  messageId: '<4f2a11c0d3e94b1f8c0a6d2e7b5f9a13@corp.example>',
  from: 'ann.keller@corp.example',
  to: 'bob.stone@partner.example',
  sentAt: SENT,
  mailHost: 'mail01',
  senderZone: 'Europe/Berlin',
};
const message = (over: Partial<Parameters<typeof buildEml>[0]> = {}) =>
  buildEml({
    from: { name: 'Ann Keller', email: base.from },
    to: { name: 'Bob Stone', email: base.to },
    subject: 'Quarterly numbers',
    body: 'Hi Bob,\n\nsee you at ten.\n\nAnn\n',
    date: SENT,
    timezone: 'Europe/Berlin',
    messageId: base.messageId,
    ...over,
  });
const stamp = (received: string) => Date.parse(received.slice(received.lastIndexOf(';') + 1));

describe('traceHeaders', () => {
  it('puts Return-Path on top, then Delivered-To, then the Received chain newest first', async () => {
    const stored = withTraceHeaders(message().bytes, base);
    const text = stored.toString('utf8');
    const names = text
      .slice(0, text.indexOf('\r\n\r\n'))
      .split('\r\n')
      .filter((l) => !/^[ \t]/.test(l))
      .map((l) => l.slice(0, l.indexOf(':')));
    expect(names.slice(0, 5)).toEqual(['Return-Path', 'Delivered-To', 'Received', 'Received', 'Message-ID']);
    const parsed = await simpleParser(stored);
    expect(parsed.headers.get('return-path')).toMatchObject({ value: [{ address: base.from }] });
    expect(parsed.headers.get('delivered-to')).toMatchObject({ value: [{ address: base.to }] });
    const received = parsed.headers.get('received') as string[];
    expect(received).toHaveLength(2);
    expect(received[0]).toMatch(
      /^from (mail|smtp|mx1|mail1)\.corp\.example \(\1\.corp\.example \[172\.(1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}\]\)/,
    );
    expect(received[0]).toContain(`by mail01 (Postfix) with ESMTPS id `);
    expect(received[0]).toContain(`for <${base.to}>;`);
    expect(received[1]).toMatch(/^from \[192\.168\.\d{1,3}\.\d{1,3}\] \(unknown \[192\.168\.\d{1,3}\.\d{1,3}\]\)/);
    expect(received[1]).toContain(`by ${senderMtaHost(base.from)} (Postfix) with ESMTPSA id `);
    // the body and the sender's headers come through untouched
    expect(parsed.text).toContain('see you at ten.');
    expect(parsed.messageId).toBe(base.messageId);
  });

  it('stamps each hop a few seconds after Date, in order, each in its receiver’s zone (UTC for the decky unless told)', () => {
    const received = [...traceHeaders(base).matchAll(/^Received:.*(\r\n[ \t].*)*/gm)].map((m) => m[0].replace(/\r\n[ \t]/g, ' '));
    const [newest, oldest] = received.map(stamp) as [number, number];
    expect(oldest - SENT.getTime()).toBeGreaterThanOrEqual(1000);
    expect(oldest - SENT.getTime()).toBeLessThanOrEqual(4000);
    expect(newest - oldest).toBeGreaterThanOrEqual(1000);
    expect(newest - oldest).toBeLessThanOrEqual(6000);
    expect(received[0]).toMatch(
      /; (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/,
    );
    expect(received[1]).toMatch(/ 09:14:(0[89]|1[01]) \+0100$/);
    expect(traceHeaders({ ...base, receiverZone: 'America/New_York' })).toMatch(/ 03:14:\d\d -0500\r\nReceived:/);
  });

  it('is the same for the same Message-ID and differs for another', () => {
    expect(traceHeaders(base)).toBe(traceHeaders({ ...base }));
    const other = traceHeaders({ ...base, messageId: '<0000000000000000000000000000aaaa@corp.example>' });
    expect(other).not.toBe(traceHeaders(base));
    // the sender's MTA is per domain: every message from corp.example names the same host and address
    expect(other).toContain(`from ${senderMtaHost(base.from)} (${senderMtaHost(base.from)} [${senderMtaAddress(base.from)}])`);
  });

  it('chooses the sender MTA per domain among the usual names, never naming the product', () => {
    const hosts = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'].map((d) => senderMtaHost(`x@${d}`));
    expect(new Set(hosts.map((h) => h.split('.')[0])).size).toBeGreaterThan(1);
    for (const h of hosts) expect(h).toMatch(/^(mail|smtp|mx1|mail1)\.[a-f]\.example$/);
    const many = Array.from({ length: 200 }, (_, i) => traceHeaders({ ...base, messageId: `<${i}@corp.example>` })).join('\n');
    expect(many).not.toMatch(/decnet/i);
    expect(many).toMatch(/ESMTPS id [0-9A-F]{10}\r\n/);
  });

  it('keeps CR/LF and other injection out of every header, whatever the persona fields hold', async () => {
    const evil = {
      ...base,
      from: 'ann\r\nBcc: all@evil.example@corp.example',
      to: 'bob"\n\rX-Injected: 1@partner.example',
      mailHost: 'mail01\r\nX-Injected: 2',
    };
    const trace = traceHeaders(evil);
    const lines = trace.split('\r\n').filter((l) => l !== '');
    for (const l of lines) expect(l).toMatch(/^(Return-Path|Delivered-To|Received): |^\t/);
    expect(trace).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(trace.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(trace).toContain('by localhost (Postfix)');
    // display names never reach the trace, and a hostile one stays inside its own header
    const eml = message({
      from: { name: 'Ann\r\nReturn-Path: <x@evil.example>', email: base.from },
      to: { name: 'Bob\nDelivered-To: x@evil.example', email: base.to },
    });
    const stored = withTraceHeaders(eml.bytes, base);
    const parsed = await simpleParser(stored);
    expect(parsed.headers.get('return-path')).toMatchObject({ value: [{ address: base.from }] });
    expect(stored.toString().match(/^Return-Path:/gm)).toHaveLength(1);
    expect(stored.toString().match(/^Delivered-To:/gm)).toHaveLength(1);
  });

  it('keeps every header line within 78 characters for ordinary addresses', () => {
    for (const l of traceHeaders(base).split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
  });

  it('takes a decky name as its host name, lower-cased, and refuses anything that is not one', () => {
    expect(receivingHost('Mail01')).toBe('mail01');
    expect(receivingHost('mail-01.corp')).toBe('mail-01.corp');
    expect(receivingHost('mail 01')).toBe('localhost');
    expect(receivingHost('')).toBe('localhost');
  });
});
