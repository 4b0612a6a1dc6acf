import { seededRng } from '../../src/domain/rng.js';

/** What a prompt asks for, as far as a loopback stand-in for a model needs to know. */
export interface PromptAsk {
  sender: string;
  recipient: string;
  topic: string;
  /** the exact subject a reply must carry, null for a new thread */
  replySubject: string | null;
  signature: string | null;
}

/** Reads the SPEC §6.4 prompt the persona machine writes. */
export function readPrompt(prompt: string): PromptAsk {
  const who = /You are ([^,\n]+), [^\n]*?Write an email to ([^,\n]+),/.exec(prompt);
  const topic = /^Topic: (.+)$/m.exec(prompt)?.[1]?.trim() ?? 'the project';
  const reply = /The subject line must be exactly: (.+)$/m.exec(prompt)?.[1]?.trim() ?? null;
  const sig = /End the email with exactly this signature, unchanged:\n([\s\S]+?)\n- Output only/.exec(prompt)?.[1] ?? null;
  return { sender: who?.[1]?.trim() ?? 'Sam', recipient: who?.[2]?.trim() ?? 'there', topic, replySubject: reply, signature: sig };
}

const OPENERS = ['Hi', 'Hello', 'Morning', 'Hey', 'Dear'];
const NEW_LINES = [
  'I went through the {topic} notes this morning and a few things need a decision before {day}.',
  'Quick one about {topic}: can you check the numbers I put in the shared folder?',
  'Following up on {topic}. The draft is at version {n}, and I would like your view on section {s}.',
  'Do you have ten minutes on {day} to walk through {topic}? I have {n} open questions.',
  'We are behind on {topic} by about {n} days, mostly waiting on the vendor.',
  'Attached is my first pass at {topic}. Nothing final, just enough to react to.',
  'Can we move the {topic} review to {day}? {time} works better for me.',
];
const REPLY_LINES = [
  'Thanks, that helps. I will update the sheet and send it back by {day}.',
  'Agreed on most points. I am less sure about item {s}, can we talk it through?',
  'Looked at it just now. Numbers match mine except row {n}.',
  'Fine by me. Let us keep {time} on {day} then.',
  'Good catch. I asked the team and we can fix it this week.',
  'I do not have the latest version, could you resend it?',
  'Makes sense. I will loop in the others once we have a date.',
];
const MIDDLE = [
  'The budget line is still {n}k, same as last quarter.',
  'I also noticed two entries from {day} that look duplicated.',
  'Legal wants a final copy by the end of the month.',
  'No rush on the rest of it.',
  'Let me know if anything is unclear.',
  'I can cover the call if you are busy.',
  'The meeting room is booked for {time}.',
  'Ticket {n} is still open on our side.',
];
const CLOSERS = ['Thanks', 'Best', 'Cheers', 'Regards', 'Thanks a lot', 'Talk soon'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'tomorrow', 'next week'];
const SUBJECTS = ['{topic}', '{topic}: next steps', 'Question on {topic}', '{topic} for {day}', 'Update: {topic}', '{topic}, quick check'];

/**
 * A plausible, varied English email for `prompt` (what a loopback model answers): the subject a
 * reply must carry, a first-name greeting, two to four sentences drawn at random with varied
 * figures, and the exact signature or the sender's name. No dashes, no two bodies alike.
 */
export function variedEmail(prompt: string, seed: number): string {
  const rng = seededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const ask = readPrompt(prompt);
  const fill = (s: string) =>
    s
      .replaceAll('{topic}', ask.topic.charAt(0).toLowerCase() + ask.topic.slice(1))
      .replaceAll('{day}', pick(DAYS))
      .replaceAll('{n}', String(2 + Math.floor(rng() * 97)))
      .replaceAll('{s}', String(1 + Math.floor(rng() * 9)))
      .replaceAll('{time}', `${9 + Math.floor(rng() * 8)}:${pick(['00', '15', '30', '45'])}`);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const subject = ask.replySubject ?? cap(fill(pick(SUBJECTS))).slice(0, 80);
  const first = ask.recipient.split(' ')[0] ?? ask.recipient;
  const lines = [fill(pick(ask.replySubject ? REPLY_LINES : NEW_LINES))];
  const extra = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < extra; i += 1) lines.push(fill(pick(MIDDLE)));
  const sign = ask.signature ?? `${pick(CLOSERS)},\n${ask.sender.split(' ')[0]}`;
  return `Subject: ${subject}\n\n${pick(OPENERS)} ${first},\n\n${lines.join(' ')}\n\n${sign}`;
}
