import type { Persona } from '../../src/domain/persona.js';
import type { RunningDecky } from '../../src/domain/decky.js';
import type { EmailDraft, FailedDraft } from '../../src/machines/mail/mail.events.js';

/** A valid, resolved persona; always active unless told otherwise. */
export function persona(over: Partial<Persona> & { email: string }): Persona {
  return {
    name: over.email.split('@')[0]!.replace(/^./, (c) => c.toUpperCase()),
    role: 'Accountant',
    tone: 'formal',
    mannerisms: ['opens with a question', 'uses short paragraphs', 'signs with initials'],
    language: 'en',
    signature: null,
    active_hours: '00:00-00:00',
    reply_latency: 'normal',
    uses_llms_heavily: false,
    timezone: 'UTC',
    ...over,
  };
}

/** An office worker with ordinary hours (09:00-17:30) in `timezone`, as realism tests want them. */
export function officeWorker(name: string, email: string, timezone: string): Persona {
  return persona({ name, email, timezone, role: 'engineer', tone: 'direct', mannerisms: [], active_hours: '09:00-17:30' });
}

/** A running mail decky of the fleet on the local host. */
export function mailDecky(name = 'mail01', over: Partial<RunningDecky> = {}): RunningDecky {
  return { uuid: `local:${name}`, name, ip: '10.0.0.25', services: ['imap'], source: 'fleet', hostUuid: 'local', ...over };
}

const BASE = {
  jobId: 'persona:local:mail01:alice@acme.example#1',
  replyTo: 'persona:local:mail01:alice@acme.example',
  emailId: '11111111-2222-4333-8444-555555555555',
  mailDeckyUuid: 'local:mail01',
  from: { name: 'Alice Martin', email: 'alice@acme.example' },
  to: { name: 'Bob Stone', email: 'bob@acme.example' },
  language: 'en',
  threadId: '6a1f3c55-8f0e-4c55-b1c2-2f1d0e9a7b6c',
  inReplyTo: null,
  mannerisms: ['opens with a question'],
  model: 'llama3.1',
  generationMs: 1200,
  at: '2026-03-03T08:14:07.000Z',
};

/** An email ready to deliver. */
export function emailDraft(over: Partial<EmailDraft> = {}): EmailDraft {
  return {
    ...BASE,
    timezone: 'Europe/Berlin',
    references: [],
    subject: 'Budget review',
    body: 'Hi Bob,\n\nCould you send the figures?\n\nAlice',
    ...over,
  };
}

/** A failed generation to record. */
export function failedDraft(over: Partial<FailedDraft> = {}): FailedDraft {
  return { ...BASE, error: 'LLM llama3.1 did not answer within 60000 ms', timedOut: true, ...over };
}
