import type { Persona } from '../../domain/persona.js';
import { type Rng, pickDistinct } from '../../domain/rng.js';
import { replySubject } from './threads.js';

/** Languages the prompt names in words; any other code is passed as-is (SPEC §6.4). */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese',
  fr: 'French',
  de: 'German',
  it: 'Italian',
  nl: 'Dutch',
  ja: 'Japanese',
  zh: 'Chinese',
};

const TONE_WORDS: Readonly<Record<Exclude<Persona['tone'], 'custom'>, string>> = {
  formal: 'formal and polite',
  direct: 'direct and to the point',
  casual: 'casual and friendly',
  technical: 'technical and precise',
};

/** The tone line of a prompt: a canned description, or the persona's own words for `custom`. */
function toneLine(persona: Pick<Persona, 'tone' | 'tone_custom'>): string {
  if (persona.tone !== 'custom') return `Your tone is ${persona.tone}: ${TONE_WORDS[persona.tone]}.`;
  // the schema guarantees non-blank words for custom; one line, so they cannot open a new prompt section
  const words = (persona.tone_custom ?? '').replace(/\s+/g, ' ').trim();
  return `Your tone is ${words.replace(/[.!]+$/, '')}.`;
}

/** Longest parent excerpt quoted into a reply prompt, in characters. */
const MAX_EXCERPT_CHARS = 600;
/** How many mannerisms each email must show (SPEC §6.4). */
const MANNERISMS_PER_EMAIL = 2;

/** The language's English name for `code` (`pt-BR` → Portuguese); unknown codes unchanged. */
export function languageName(code: string): string {
  return LANGUAGE_NAMES[code.toLowerCase()] ?? LANGUAGE_NAMES[code.toLowerCase().split(/[-_]/)[0] ?? ''] ?? code;
}

/** Two of the persona's mannerisms, chosen in code so the model cannot skip them. */
export function pickMannerisms(persona: Pick<Persona, 'mannerisms'>, rng: Rng): string[] {
  return pickDistinct(persona.mannerisms, MANNERISMS_PER_EMAIL, rng);
}

/** The parent a reply answers, as the prompt shows it. */
interface ReplyContext {
  parentSubject: string;
  /** the parent's body; quoted lines are dropped and the rest shortened */
  parentBody: string;
}

/** Everything one prompt is made of. */
interface PromptInput {
  sender: Persona;
  recipient: Persona;
  topic: string;
  mannerisms: readonly string[];
  /** null → a new thread */
  reply: ReplyContext | null;
}

/** A short excerpt of a parent body: no quoted lines, whitespace collapsed, at most MAX_EXCERPT_CHARS. */
export function excerpt(body: string): string {
  const text = body
    .split(/\r?\n/)
    .filter((l) => !l.trimStart().startsWith('>'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  return chars.length <= MAX_EXCERPT_CHARS ? text : `${chars.slice(0, MAX_EXCERPT_CHARS).join('').trimEnd()}…`;
}

/** The prompt of SPEC §6.4: who writes to whom about what, and the hard rules of the output. */
export function buildPrompt(input: PromptInput): string {
  const { sender, recipient, topic, mannerisms, reply } = input;
  const language = languageName(sender.language);
  const out: string[] = [
    `You are ${sender.name}, ${sender.role}. Write an email to ${recipient.name}, ${recipient.role}.`,
    toneLine(sender),
  ];
  if (mannerisms.length > 0) {
    out.push('', 'These habits of yours must show in the email:', ...mannerisms.map((m) => `- ${m}`));
  }
  out.push('', `Topic: ${topic}`, '');
  if (reply) {
    out.push(
      `This is a reply in an existing thread. The previous message had the subject "${replySubjectBase(reply.parentSubject)}" and said:`,
      `"${excerpt(reply.parentBody)}"`,
      'Answer it as the next message in that conversation.',
    );
  } else {
    out.push('This is a new thread: you start the conversation.');
  }
  out.push('', 'Rules:');
  out.push(
    `- Write the whole email, subject and body, in ${language}. Do not switch to any other language, not even for a single word, greeting or sign-off.`,
  );
  if (!sender.uses_llms_heavily) {
    out.push('- Never use em-dashes (—) or en-dashes (–). Use commas, periods or parentheses instead.');
  }
  if (reply) {
    out.push(`- The subject line must be exactly: ${replySubject(reply.parentSubject)}`);
  } else {
    out.push('- The subject is at most 80 characters, specific to the topic, and does not start with "Re:".');
  }
  if (sender.signature) {
    out.push('- End the email with exactly this signature, unchanged:', sender.signature);
  } else {
    out.push(`- Sign off with your name, ${sender.name}.`);
  }
  out.push(
    '- Output only the email: a first line "Subject: <subject>", one blank line, then the body. No commentary, no explanations, no markdown, no code fences.',
  );
  return out.join('\n');
}

function replySubjectBase(parentSubject: string): string {
  return replySubject(parentSubject).slice('Re: '.length);
}
