import { createHash } from 'node:crypto';
import { isIanaTimeZone } from '../../domain/persona.js';
import { headerAddrSpec, messageIdDomain } from './address.js';
import { formatMailDate } from './mail-date.js';

/** What a stored copy's trace says: who sent to whom, when, and which host took it in. */
interface TraceInput {
  /** the message's Message-ID: every choice below is seeded by it */
  messageId: string;
  /** envelope sender (Return-Path) */
  from: string;
  /** envelope recipient (Delivered-To, `for <…>`) */
  to: string;
  /** the Date header's instant; every hop is a few seconds after it */
  sentAt: Date;
  /** the mail decky's host name: the `by` of the last hop */
  mailHost: string;
  /** zone of the sender's MTA (the sender's own zone) */
  senderZone: string;
  /** zone of the mail decky; unknown → UTC, as a container's clock defaults to */
  receiverZone?: string;
}

// a host label run as a resolver would take it; anything else falls back to a generic name
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*$/;
const FALLBACK_HOST = 'localhost';
// the names mail servers commonly go by; one is chosen per domain, the same every time
const MTA_LABELS = ['mail', 'smtp', 'mx1', 'mail1'] as const;
const QUEUE_ID_HEX = 10;

/** A deterministic byte source for one message: sha256 of the seed, re-hashed when used up. */
function bytesFor(...seed: readonly string[]): () => number {
  let block = createHash('sha256').update(seed.join('\u0000')).digest();
  let i = 0;
  return () => {
    if (i >= block.length) {
      block = createHash('sha256').update(block).digest();
      i = 0;
    }
    return block[i++]!;
  };
}

/** The sender's MTA: `<label>.<sender domain>`, the label chosen per domain so every message agrees. */
export function senderMtaHost(senderEmail: string): string {
  const domain = messageIdDomain(senderEmail);
  const next = bytesFor('mta', domain);
  return `${MTA_LABELS[next() % MTA_LABELS.length]}.${domain}`;
}

/**
 * The sender MTA's address, per domain: RFC 1918 172.16.0.0/12 (deckies talk on a private LAN,
 * and a private address can never name a real third party).
 */
export function senderMtaAddress(senderEmail: string): string {
  const next = bytesFor('mta-ip', messageIdDomain(senderEmail));
  return `172.${16 + (next() % 16)}.${next()}.${1 + (next() % 254)}`;
}

/** The mail decky's name as a `by` host: lower-case labels, else `localhost`. */
export function receivingHost(mailHost: string): string {
  const host = mailHost.trim().toLowerCase();
  return host.length <= 253 && HOST.test(host) ? host : FALLBACK_HOST;
}

function queueId(next: () => number): string {
  let id = '';
  while (id.length < QUEUE_ID_HEX) id += next().toString(16).toUpperCase().padStart(2, '0');
  // a Postfix short queue id never starts with 0 (it is the microseconds, hex, then the inode)
  return id.slice(0, QUEUE_ID_HEX).replace(/^0/, '4');
}

/**
 * The trace a delivering Postfix leaves on the stored copy (RFC 5321 §4.4): `Return-Path` on
 * top, `Delivered-To`, then the `Received` chain newest first: the mail decky taking it from the
 * sender's MTA, below it the sender's MTA taking it from the sender's workstation (RFC 1918
 * 192.168.0.0/16). Hops are 1–4 s and then 1–6 s after Date, each stamped in its receiver's zone.
 * Deterministic per Message-ID; addresses pass through the header sanitiser; CRLF line ends.
 */
export function traceHeaders(input: TraceInput): string {
  const next = bytesFor('trace', input.messageId);
  const from = headerAddrSpec(input.from);
  const to = headerAddrSpec(input.to);
  const mta = senderMtaHost(input.from);
  const mtaIp = senderMtaAddress(input.from);
  const by = receivingHost(input.mailHost);
  const client = `192.168.${next() % 256}.${2 + (next() % 250)}`;
  const sent = Math.floor(input.sentAt.getTime() / 1000) * 1000;
  const submitted = new Date(sent + (1 + (next() % 4)) * 1000);
  const received = new Date(submitted.getTime() + (1 + (next() % 6)) * 1000);
  const senderZone = isIanaTimeZone(input.senderZone) ? input.senderZone : 'UTC';
  const receiverZone = input.receiverZone && isIanaTimeZone(input.receiverZone) ? input.receiverZone : 'UTC';
  const submitId = queueId(next);
  const deliverId = queueId(next);
  const tls = '(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))';
  const lines = [
    `Return-Path: <${from}>`,
    `Delivered-To: ${to}`,
    `Received: from ${mta} (${mta} [${mtaIp}])`,
    `\t${tls}`,
    `\tby ${by} (Postfix) with ESMTPS id ${deliverId}`,
    `\tfor <${to}>; ${formatMailDate(received, receiverZone)}`,
    `Received: from [${client}] (unknown [${client}])`,
    `\t${tls}`,
    `\tby ${mta} (Postfix) with ESMTPSA id ${submitId}`,
    `\tfor <${to}>; ${formatMailDate(submitted, senderZone)}`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The stored copy: the trace prepended to the message as the sender's client wrote it. */
export function withTraceHeaders(message: Uint8Array, input: TraceInput): Buffer {
  return Buffer.concat([Buffer.from(traceHeaders(input), 'utf8'), message]);
}
