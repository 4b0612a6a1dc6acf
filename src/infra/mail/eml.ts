import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { isIanaTimeZone } from '../../domain/persona.js';
import { headerAddrSpec, messageIdDomain } from './address.js';
import { EmlError } from './eml-error.js';
import { formatMailDate } from './mail-date.js';
import { encodeQuotedPrintable, encodeWords, foldHeader, isPrintableAscii } from './mime-encoding.js';

/** A mailbox as the builder needs it; persona objects fit. */
interface Mailbox {
  name: string;
  email: string;
}

/** One message to build. */
export interface EmlInput {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  body: string;
  /** sending instant; the header keeps whole seconds */
  date: Date;
  /** IANA zone of the sender: the Date header carries its offset */
  timezone: string;
  messageId: string;
  inReplyTo?: string | null;
  references?: readonly string[];
  /** the sender's language code, sent as Content-Language as mail clients do */
  language?: string;
}

/** What was written, for the record and for `touch -d`. */
interface EmlHeaders {
  messageId: string;
  /** the Date header value */
  date: string;
  /** the instant of the Date header (whole seconds) */
  sentAt: Date;
  from: string;
  to: string;
  /** the subject as a reader sees it, sanitised */
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/** A built message: its bytes (CRLF; 7-bit clean unless an address is not ASCII, then UTF-8 as RFC 6532 allows) and its header values. */
interface Eml {
  bytes: Buffer;
  headers: EmlHeaders;
}

// CR, LF, NUL and every other control or line separator: none may reach a header line
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const MSG_ID = /^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>$/;
const SPECIALS = /[()<>[\]:;@\\,."]/;
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** Header text on one line: controls become spaces, whitespace collapses, ends trimmed. */
export function sanitizeHeaderText(text: string): string {
  return text.replace(HEADER_UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A fresh Message-ID on the sender's domain: `<32 hex@domain>`; a domain unfit for one (or for a spool file name) gives a fallback host.
 */
export function newMessageId(senderEmail: string, randomBytes: (n: number) => Uint8Array = cryptoRandomBytes): string {
  return `<${Buffer.from(randomBytes(16)).toString('hex')}@${messageIdDomain(senderEmail)}>`;
}

/**
 * `Display Name <addr>` with the name quoted when it holds specials and RFC 2047 encoded when not
 * ASCII; the address is made one safe token (address.ts), and refused only when DECNET would refuse it.
 */
export function formatAddress(box: Mailbox, firstRoom = 60): string {
  const email = headerAddrSpec(box.email);
  const name = sanitizeHeaderText(box.name);
  if (!name) return email;
  if (needsEncoding(name)) return `${encodeWords(name, firstRoom).join(' ')} <${email}>`;
  if (SPECIALS.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${email}>`;
  return `${name} <${email}>`;
}

// ASCII that looks like an encoded-word ("=?…") is encoded too, so no parser decodes it into something else
function needsEncoding(text: string): boolean {
  return !isPrintableAscii(text) || text.includes('=?');
}

/** Subject header value: leading plain words (`Re:`) stay readable, the rest is encoded when it must be. */
function encodeSubject(subject: string): string {
  if (!needsEncoding(subject)) return subject;
  const words = subject.split(' ');
  const plain: string[] = [];
  while (words.length > 1 && !needsEncoding(words[0]!)) plain.push(words.shift()!);
  const prefix = plain.length > 0 ? `${plain.join(' ')} ` : '';
  return prefix + encodeWords(words.join(' '), 76 - 'Subject: '.length - prefix.length).join(' ');
}

function checkMessageId(id: string, what: string): string {
  if (!MSG_ID.test(id)) throw new EmlError('EML_INVALID_MESSAGE_ID', `invalid ${what}: ${JSON.stringify(id)}`);
  return id;
}

/**
 * Builds an RFC 5322 / RFC 2045 message as a mail client would: one MIME-Version, text/plain
 * UTF-8 in quoted-printable, encoded-words for non-ASCII headers, CRLF line ends.
 */
export function buildEml(input: EmlInput): Eml {
  const messageId = checkMessageId(input.messageId, 'Message-ID');
  const inReplyTo = input.inReplyTo ? checkMessageId(input.inReplyTo, 'In-Reply-To') : null;
  // a malformed stored reference is left out rather than failing the whole thread
  const references = (input.references ?? []).filter((r) => MSG_ID.test(r));
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);
  if (!isIanaTimeZone(input.timezone)) throw new EmlError('EML_INVALID_ZONE', `unknown time zone: ${JSON.stringify(input.timezone)}`);
  const sentAt = new Date(Math.floor(input.date.getTime() / 1000) * 1000);
  const date = formatMailDate(sentAt, input.timezone);
  const subject = sanitizeHeaderText(input.subject);
  const lines: string[] = [`Message-ID: ${messageId}`, `Date: ${date}`, 'MIME-Version: 1.0'];
  if (input.language && LANGUAGE_TAG.test(input.language)) lines.push(`Content-Language: ${input.language}`);
  lines.push(foldHeader('From', formatAddress(input.from)), foldHeader('To', formatAddress(input.to)));
  lines.push(foldHeader('Subject', encodeSubject(subject)));
  if (inReplyTo) lines.push(`In-Reply-To: ${inReplyTo}`);
  if (references.length > 0) lines.push(foldHeader('References', references.join(' ')));
  lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
  const body = encodeQuotedPrintable(input.body.replace(/\r\n?/g, '\n').replace(/\n*$/, '\n'));
  const text = `${lines.join('\r\n')}\r\n\r\n${body}`;
  return {
    // every header and the body are ASCII already; only a non-ASCII address keeps its UTF-8
    bytes: Buffer.from(text, 'utf8'),
    headers: {
      messageId,
      date,
      sentAt,
      from: input.from.email.trim(),
      to: input.to.email.trim(),
      subject,
      inReplyTo,
      references,
    },
  };
}
