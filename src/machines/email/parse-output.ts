import { removeDashes } from './dashes.js';
import { FALLBACK_SUBJECT } from './threads.js';

/** Longest subject kept, in characters (SPEC §6.4). */
const MAX_SUBJECT_CHARS = 80;
/** Largest body kept, in UTF-8 bytes: a model that rambles a megabyte does not make a megabyte email. */
export const MAX_BODY_BYTES = 16 * 1024;
// only this much of the raw output is looked at, so a huge answer costs no more than a big one
const MAX_INPUT_CHARS = 4 * MAX_BODY_BYTES;
// subject labels a model may write, in English or translated into the persona's language
const SUBJECT_LINE =
  /^[\s*_#>"]*(?:subject|asunto|assunto|objet|betreff|oggetto|onderwerp|件名|主题|主題|标题|標題)[\s*_]*[:：][\s*_]*(.*)$/i;
const FENCE_LINE = /^\s*(```|~~~)/;
// first-paragraph chatter: "Sure, here's the email:", "Here is a draft for you."
const PREAMBLE =
  /^(?:sure|certainly|of course|absolutely|okay|ok|great|here(?:'s| is| you go)|below is|i(?:'ve| have) (?:written|drafted|prepared))\b/i;
// last-paragraph chatter about the email itself, never an ordinary closing line
const POSTSCRIPT =
  /^(?:\(?note\b|i hope this (?:email|draft)|this (?:email|draft) (?:is|should|keeps)|(?:let me know|feel free|happy to|i can)\b.*\b(?:adjust|changes?|modify|tweak|revise|edit)\b)/i;
// C0/C1 controls except tab and line feed, and the Unicode line separators
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** The email a model wrote, cleaned. */
export interface ParsedEmail {
  subject: string;
  body: string;
  /** false when no `Subject:` line was found and the fallback subject was used */
  subjectFound: boolean;
  /** true when the body was cut to MAX_BODY_BYTES */
  truncated: boolean;
}

/** Options of the parse; dashes are removed unless the persona uses LLMs heavily. */
interface ParseOptions {
  usesLlmsHeavily: boolean;
  maxBodyBytes?: number;
}

/** Turns raw model output into a subject and a body (SPEC §6.4): fences and chatter stripped, subject and body bounded. */
export function parseEmailOutput(raw: string, opts: ParseOptions): ParsedEmail {
  let lines = unfence(raw.slice(0, MAX_INPUT_CHARS).replace(/\r\n?/g, '\n').replace(CONTROLS, '')).split('\n');
  let subject = '';
  const at = lines.slice(0, 20).findIndex((l) => SUBJECT_LINE.test(l));
  if (at >= 0) {
    subject = SUBJECT_LINE.exec(lines[at]!)?.[1] ?? '';
    lines = lines.slice(at + 1);
  } else {
    lines = dropPreamble(lines);
  }
  let body = dropPostscript(lines)
    .map((l) => l.replace(/\*\*(.+?)\*\*/g, '$1').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  subject = cleanSubject(subject);
  if (!opts.usesLlmsHeavily) {
    body = removeDashes(body);
    subject = cleanSubject(removeDashes(subject));
  }
  const capped = capBytes(body, opts.maxBodyBytes ?? MAX_BODY_BYTES);
  return {
    subject: subject || FALLBACK_SUBJECT,
    body: capped.text,
    subjectFound: at >= 0,
    truncated: capped.truncated,
  };
}

// the first fenced block that holds a subject wins; otherwise fence lines are just removed
function unfence(text: string): string {
  const block = /^\s*(?:```|~~~)[^\n]*\n([\s\S]*?)^\s*(?:```|~~~)\s*$/m.exec(text);
  if (block?.[1]?.split('\n').some((l) => SUBJECT_LINE.test(l))) return block[1];
  return text
    .split('\n')
    .filter((l) => !FENCE_LINE.test(l))
    .join('\n');
}

function dropPreamble(lines: string[]): string[] {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return [];
  const line = lines[first]!.trim();
  const chatty = PREAMBLE.test(line) && (/[:!]$/.test(line) || /\b(email|draft|message)\b/i.test(line));
  return chatty ? lines.slice(first + 1) : lines;
}

function dropPostscript(lines: string[]): string[] {
  const paragraphs = lines
    .join('\n')
    .trimEnd()
    .split(/\n\s*\n/);
  while (paragraphs.length > 1) {
    const last = paragraphs[paragraphs.length - 1]!.trim();
    if (!(POSTSCRIPT.test(last) || /^(?:-{3,}|\*{3,}|_{3,})$/.test(last))) break;
    paragraphs.pop();
  }
  return paragraphs.join('\n\n').split('\n');
}

/** One line, no markup or wrapping quotes, at most MAX_SUBJECT_CHARS characters. */
export function cleanSubject(subject: string): string {
  let s = subject
    .replace(CONTROLS, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\*\*/g, '')
    .trim()
    .replace(/^["'“”«»]+|["'“”«»]+$/g, '')
    .trim();
  const chars = Array.from(s);
  if (chars.length > MAX_SUBJECT_CHARS) {
    const cut = chars.slice(0, MAX_SUBJECT_CHARS).join('');
    const space = cut.lastIndexOf(' ');
    // cut on a word when one ends in the second half, as a person would shorten it
    s = (space > MAX_SUBJECT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '');
  }
  return s;
}

function capBytes(text: string, max: number): { text: string; truncated: boolean } {
  if (utf8Length(text) <= max) return { text, truncated: false };
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  // end on a line break when one is near, so the email does not stop mid-sentence
  const nl = out.lastIndexOf('\n');
  return { text: (nl > out.length * 0.75 ? out.slice(0, nl) : out).trimEnd(), truncated: true };
}

/** UTF-8 size of `text` in bytes, without Buffer so the policy stays platform-free. */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}
