import { describe, expect, it } from 'vitest';
import { receivedChainCheck, receivedProblem } from '../../src/checks/received-chain.check.js';
import { missingTrace, traceHeadersCheck } from '../../src/checks/trace-headers.check.js';
import { cleanCorpus, MAIL_HOST, withEmails } from './corpus.builder.js';

const clean = cleanCorpus();
// the header block of a stored message, the body after it
const split = (eml: string) => {
  const at = eml.indexOf('\r\n\r\n');
  return { head: eml.slice(0, at), rest: eml.slice(at) };
};
const dropHeader = (eml: string, name: string) => {
  const { head, rest } = split(eml);
  // a header and its folded continuation lines
  return head.replace(new RegExp(`^${name}:.*(\\r\\n[ \\t].*)*(\\r\\n|$)`, 'gim'), '') + rest;
};

describe('trace-headers', () => {
  it('passes when every stored message carries Return-Path, Delivered-To and Received', () => {
    expect(clean.emails.every((e) => missingTrace(e.eml!).length === 0)).toBe(true);
    expect(traceHeadersCheck.run(clean)).toMatchObject({ pass: true, skipped: false, figure: 0 });
  });

  it('fails on a message as the sender’s client wrote it, and names which one lacks what', () => {
    const tell = withEmails(clean, (es) => {
      es[3]!.eml = dropHeader(dropHeader(dropHeader(es[3]!.eml!, 'Return-Path'), 'Delivered-To'), 'Received');
      es[7]!.eml = dropHeader(es[7]!.eml!, 'Delivered-To');
      return es;
    });
    const r = traceHeadersCheck.run(tell);
    expect(r).toMatchObject({ pass: false, figure: 2 });
    expect(r.detail).toContain(`${tell.emails[3]!.emlPath}: no Return-Path, Delivered-To, Received`);
    expect(r.detail).toContain(`${tell.emails[7]!.emlPath}: no Delivered-To`);
  });

  it('is skipped when no spool was read', () => {
    expect(traceHeadersCheck.run(withEmails(clean, (es) => es.map(({ eml: _, ...e }) => e)))).toMatchObject({ pass: true, skipped: true });
  });
});

describe('received-chain', () => {
  it('passes on the chains delivery writes: newest first, after Date, last hop by the mail decky', () => {
    expect(receivedChainCheck.run(clean)).toMatchObject({ pass: true, skipped: false, figure: 0 });
  });

  it('fails when the hops are swapped (oldest first)', () => {
    const eml = clean.emails[0]!.eml!;
    const hops = [...eml.matchAll(/^Received:.*(\r\n[ \t].*)*/gm)].map((m) => m[0]);
    expect(hops).toHaveLength(2);
    const swapped = eml.replace(`${hops[0]}\r\n${hops[1]}`, `${hops[1]}\r\n${hops[0]}`);
    expect(receivedProblem(swapped, MAIL_HOST)).toBe('Received chain out of order');
    const tell = withEmails(clean, (es) => {
      es[0]!.eml = swapped;
      return es;
    });
    const r = receivedChainCheck.run(tell);
    expect(r).toMatchObject({ pass: false, figure: 1 });
    expect(r.detail).toContain(`${tell.emails[0]!.emlPath}: Received chain out of order`);
  });

  it('fails when a hop is stamped before the Date header', () => {
    const e = clean.emails[1]!;
    const date = /^Date: (.*)$/m.exec(e.eml!)![1]!.trim();
    const later = new Date(Date.parse(date) + 3_600_000).toUTCString().replace('GMT', '+0000');
    expect(receivedProblem(e.eml!.replace(`Date: ${date}`, `Date: ${later}`), MAIL_HOST)).toBe('Received earlier than Date');
  });

  it('fails when the last hop was received by a host other than the mail decky', () => {
    const e = clean.emails[2]!;
    expect(receivedProblem(e.eml!, 'files01')).toBe(`received by ${MAIL_HOST}, not files01`);
    expect(receivedProblem(e.eml!, `${MAIL_HOST}`)).toBeNull();
    expect(receivedProblem(e.eml!.replace(`by ${MAIL_HOST} (Postfix)`, `by ${MAIL_HOST}.corp.example (Postfix)`), MAIL_HOST)).toBeNull();
    const tell = withEmails(clean, (es) => {
      es[2]!.mailHost = 'files01';
      return es;
    });
    expect(receivedChainCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });

  it('fails on a stamp that does not parse, and never throws on hostile chains', () => {
    expect(receivedProblem('Received: from x by y; not a date\r\nDate: Mon, 03 Feb 2025 10:00:00 +0000\r\n\r\nhi', 'y')).toBe(
      'Received without a readable date',
    );
    expect(receivedProblem('Received: garbage\r\n\r\n')).toBe('Received without a readable date');
    expect(receivedProblem('Subject: none\r\n\r\nbody')).toBeNull();
    expect(() => receivedProblem(`Received: ${';'.repeat(10_000)}(`)).not.toThrow();
  });

  it('is skipped when no stored message has a Received chain', () => {
    const bare = withEmails(clean, (es) => es.map((e) => ({ ...e, eml: dropHeader(e.eml!, 'Received') })));
    expect(receivedChainCheck.run(bare)).toMatchObject({ pass: true, skipped: true });
    expect(traceHeadersCheck.run(bare)).toMatchObject({ pass: false, figure: bare.emails.length });
  });
});
