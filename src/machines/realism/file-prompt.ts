import { removeDashes } from '../email/dashes.js';
import type { ContentClass, FileAuthor } from './content-class.js';

/** Classes whose bodies an LLM may write: what a person types, never logs or scripts. */
const LLM_BODY_CLASSES = ['notes', 'todo', 'draft'] as const satisfies readonly ContentClass[];

/** Most bytes of an LLM-written body; a longer answer is cut at a line end. */
export const MAX_LLM_BODY_BYTES = 4096;

/** What the LLM is asked to write: one new file, with the template as the model of its form. */
export interface FileBodyRequest {
  contentClass: ContentClass;
  path: string;
  /** the template body, also the fallback */
  template: string;
  author: Pick<FileAuthor, 'name'>;
}

/** True when an LLM may write bodies of `cls`. */
export function isLlmBodyClass(cls: string): cls is (typeof LLM_BODY_CLASSES)[number] {
  return (LLM_BODY_CLASSES as readonly string[]).includes(cls);
}

const KIND: Record<(typeof LLM_BODY_CLASSES)[number], string> = {
  notes: 'personal working notes, a few short lines',
  todo: 'a personal to-do list, one item per line written as "- [ ] item" (done items as "- [x] item")',
  draft: 'a short draft of a message or document the author has not sent yet',
};

/** The prompt for one file body: plain text only, in the template's form, without long dashes. */
export function fileBodyPrompt(req: FileBodyRequest): string {
  const kind = isLlmBodyClass(req.contentClass) ? KIND[req.contentClass] : 'a short text file';
  const name = req.path.slice(req.path.lastIndexOf('/') + 1);
  return [
    `Write the contents of the file "${name}" that ${req.author.name} keeps in their home directory on a work server.`,
    `It is ${kind}, about routine office and IT work.`,
    'Keep the form of this example, but write different, specific content:',
    '',
    req.template.trimEnd(),
    '',
    'Rules:',
    '- Output only the file contents: no explanation, no code fences, no title about the file itself.',
    '- Never use em-dashes or en-dashes. Use commas, periods or parentheses instead.',
    `- At most ${Math.floor(MAX_LLM_BODY_BYTES / 2)} characters.`,
  ].join('\n');
}

const FENCE = /^\s*```[^\n]*$/;
const PREAMBLE = /^(here('s| is| are)|sure|certainly|of course|okay|ok)\b[^\n]*:?\s*$/i;
const REFUSAL = /\b(as an ai|language model|i cannot|i can't|i'm sorry)\b/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/g;
const TODO_LINE = /^- \[[ x]\] \S/;
const LIST_LINE = /^\s*(?:[-*•]|\d+[.)])\s+(?:\[[ xX]\]\s*)?(.+)$/;

/**
 * An LLM answer made fit to be written, or null when it is junk: fences and a chatty first line
 * go, line ends are normalised, long dashes become what a keyboard types, the body is capped at
 * a line end; empty or tiny answers, refusals, anything naming the product and a to-do list
 * without items are refused.
 */
export function sanitizeLlmBody(text: string, req: Pick<FileBodyRequest, 'contentClass'>): string | null {
  let lines = text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n');
  const fences = lines.map((l, i) => (FENCE.test(l) ? i : -1)).filter((i) => i >= 0);
  if (fences.length >= 2) lines = lines.slice(fences[0]! + 1, fences[1]!);
  else lines = lines.filter((l) => !FENCE.test(l));
  while (lines.length > 0 && (lines[0]!.trim() === '' || PREAMBLE.test(lines[0]!.trim()))) lines.shift();
  let body = removeDashes(lines.map((l) => l.trimEnd()).join('\n'))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (body.length < 20 || REFUSAL.test(body) || /decnet/i.test(body)) return null;
  if (req.contentClass === 'todo') {
    const items = body
      .split('\n')
      .map((l) => (TODO_LINE.test(l) ? l : LIST_LINE.exec(l) ? `- [ ] ${LIST_LINE.exec(l)![1]!.trim()}` : null))
      .filter((l): l is string => l !== null);
    if (items.length < 2) return null;
    body = items.join('\n');
  }
  const capped = capAtLine(body, MAX_LLM_BODY_BYTES);
  return capped.length < 20 ? null : `${capped}\n`;
}

function capAtLine(body: string, max: number): string {
  if (utf8Length(body) <= max) return body;
  const lines = body.split('\n');
  const kept: string[] = [];
  let n = 0;
  for (const l of lines) {
    n += utf8Length(l) + 1;
    if (n > max) break;
    kept.push(l);
  }
  return kept.join('\n').trimEnd();
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
