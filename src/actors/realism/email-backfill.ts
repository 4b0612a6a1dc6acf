import { randomUUID } from 'node:crypto';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import type { LLMBackend } from '../../infra/llm/base.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { deliverDraft } from '../drivers/deliver-draft.js';
import { newMessageId } from '../../infra/mail/eml.js';
import type { Persona } from '../../domain/persona.js';
import type { EmailStorePort } from '../../infra/store/email-store.port.js';
import type { EmailRecord } from '../../domain/email-record.js';
import type { RunningDecky } from '../../domain/decky.js';
import { isActive, personaTimeZone } from '../../machines/email/active-hours.js';
import { mailContainerName } from '../../machines/email/mail-decky.js';
import { parseEmailOutput } from '../../machines/email/parse-output.js';
import { buildPrompt, pickMannerisms } from '../../machines/email/prompt.js';
import { REPLY_PROBABILITY, buildReferences, pickRecipient, stripReplyPrefixes, threadSubject } from '../../machines/email/threads.js';
import { pickTopic } from '../../machines/email/topics.js';
import type { EmailDraft, FailedDraft } from '../../machines/mail/mail.events.js';
import { deliveryRow, llmFailureRow } from '../../machines/mail/mail.row.js';
import type { EmailRowDraft } from '../../machines/mail/mail.types.js';
import { seededRng } from '../../domain/rng.js';
import { hashSeed } from '../../machines/realism/seed-hash.js';
import { settleSpool } from './settle-mtimes.js';
import { DEFAULT_MAX_BACKFILL_EMAILS, distinctPersonas, planEmailTimes } from '../../machines/realism/email-backfill-plan.js';

/** What the email backfill reads and writes: the same LLM, EML builder and delivery as the live worker. */
export interface EmailBackfillDeps {
  dockerFor: (decky: RunningDecky) => DockerPort;
  emails: Pick<EmailStorePort, 'recordEmails' | 'listEmails'>;
  llm: LLMBackend;
  /** spool root inside mail containers (DECNET_SPOOL_ROOT) */
  spoolRoot: string;
  /** zone of personas that give none */
  hostZone: string;
  limits?: DriverLimits;
  logger: Logger;
  /** Message-ID source; tests pin it */
  newMessageId?: (senderEmail: string) => string;
}

/** How much past to write, and when to stop. */
interface EmailBackfillOptions {
  days: number;
  now: Date;
  seed: number;
  /** emails at most per mail decky, failures included (default 30) */
  maxEmails?: number;
  /** LLM failures in a row after which the rest is left for a later try (default 5) */
  maxConsecutiveFailures?: number;
  /** emails the store already holds for the decky: `skip` the decky (default), or write what the cap leaves */
  existing?: 'skip' | 'avoid';
  /** abandons between two emails; what was written is already recorded */
  signal?: AbortSignal;
}

/** What happened on one mail decky. */
export interface MailBackfill {
  decky: string;
  name: string;
  /** why nothing was done, when nothing was */
  skipped?: string;
  /** the skip is temporary: try again later */
  retry?: boolean;
  delivered: number;
  replies: number;
  /** generations or deliveries that failed (recorded as failed rows) */
  failed: number;
  abandoned?: boolean;
  /** stopped early after too many LLM failures in a row */
  gaveUp?: boolean;
}

// what a reply needs of an email already written in this backfill
interface Sent {
  messageId: string;
  threadId: string;
  subject: string;
  body: string;
  from: Persona;
  to: Persona;
  at: Date;
  references: string[];
}

// a reply answers mail received in the last week, never older
const REPLY_WINDOW_MS = 7 * 86_400_000;

/**
 * Gives a new mail decky weeks of past email: the senders' timing profiles date each email inside
 * their hours and zones; with the live reply probability it answers the newest mail the sender
 * received, so replies follow their parents with full References chains; the LLM writes every
 * body through the live prompt and parser; the EML is delivered with mtime = Date and every
 * email (failures too) is recorded with `payload.backfilled`. One email at a time, at most the cap.
 */
export async function backfillEmails(
  decky: RunningDecky,
  personas: readonly Persona[],
  deps: EmailBackfillDeps,
  opts: EmailBackfillOptions,
): Promise<MailBackfill> {
  const report: MailBackfill = { decky: decky.uuid, name: decky.name, delivered: 0, replies: 0, failed: 0 };
  const container = mailContainerName(decky);
  if (!container) return { ...report, skipped: 'not a mail decky' };
  const people = distinctPersonas(personas);
  if (people.length < 2) return { ...report, skipped: 'fewer than two personas in scope', retry: true };
  let budget = opts.maxEmails ?? DEFAULT_MAX_BACKFILL_EMAILS;
  const held = await deps.emails.listEmails({ limit: 1000, offset: 0, mailDeckyUuid: decky.uuid });
  if (held.total > 0) {
    if (opts.existing !== 'avoid') return { ...report, skipped: 'already has emails' };
    // failed rows do not count: the cap bounds the past, a retry after an outage may still write it
    budget -= held.data.filter((r) => r.success && r.payload.backfilled === true).length;
    if (budget <= 0) return report;
  }
  let docker: DockerPort;
  try {
    docker = deps.dockerFor(decky);
  } catch (err) {
    return { ...report, skipped: (err as Error).message, retry: true };
  }
  const plan = planEmailTimes(people, {
    days: opts.days,
    now: opts.now,
    seed: hashSeed(opts.seed, decky.uuid),
    maxEmails: budget,
    hostZone: deps.hostZone,
  });
  const rng = seededRng(hashSeed(opts.seed, decky.uuid, 'email-threads'));
  const makeId = deps.newMessageId ?? ((s: string) => newMessageId(s));
  const sent: Sent[] = [];
  const threads = new Set<string>();
  let inARow = 0;
  for (const [i, { at, sender }] of plan.entries()) {
    if (opts.signal?.aborted) {
      report.abandoned = true;
      break;
    }
    const parent = rng() < REPLY_PROBABILITY ? newestReceived(sent, sender, at) : null;
    const recipient =
      parent?.from ??
      pickRecipient(sender, people, rng, (p) => isActive(p, at, deps.hostZone)) ??
      pickRecipient(sender, people, rng, () => true);
    if (!recipient) continue;
    const topic = pickTopic(rng);
    const mannerisms = pickMannerisms(sender, rng);
    const base = {
      jobId: `backfill:${decky.uuid}#${i + 1}`,
      replyTo: 'backfill',
      emailId: randomUUID(),
      mailDeckyUuid: decky.uuid,
      from: { name: sender.name, email: sender.email },
      to: { name: recipient.name, email: recipient.email },
      language: sender.language,
      threadId: parent?.threadId ?? randomUUID(),
      inReplyTo: parent?.messageId ?? null,
      mannerisms,
      at: at.toISOString(),
    };
    const prompt = buildPrompt({
      sender,
      recipient,
      topic: parent ? stripReplyPrefixes(parent.subject) || topic : topic,
      mannerisms,
      reply: parent ? { parentSubject: parent.subject, parentBody: parent.body } : null,
    });
    const gen = await generate(deps.llm, prompt, opts.signal);
    if (gen === null) {
      report.abandoned = true;
      break;
    }
    const parsed = gen.ok ? parseEmailOutput(gen.text, { usesLlmsHeavily: sender.uses_llms_heavily }) : null;
    if (!parsed || parsed.body.trim() === '') {
      const why = gen.ok ? { error: 'empty email body', timedOut: false } : { error: gen.error, timedOut: gen.timedOut };
      const failure: FailedDraft = { ...base, model: gen.model, generationMs: gen.latencyMs, ...why };
      await record(deps, llmFailureRow(decky, failure));
      report.failed += 1;
      inARow += 1;
      if (inARow >= (opts.maxConsecutiveFailures ?? 5)) {
        report.gaveUp = true;
        break;
      }
      continue;
    }
    inARow = 0;
    const draft: EmailDraft = {
      ...base,
      model: gen.model,
      generationMs: gen.latencyMs,
      timezone: personaTimeZone(sender, deps.hostZone),
      references: parent ? buildReferences({ messageId: parent.messageId, references: parent.references }) : [],
      subject: threadSubject(parsed.subject, parent?.subject ?? null),
      body: parsed.body,
    };
    // the live delivery path: EML on the sender's domain and zone, spool write with mtime = Date
    const result = await deliverDraft(() => docker, draft, {
      container,
      spoolRoot: deps.spoolRoot,
      limits: deps.limits,
      makeId,
      mailHost: decky.name,
    });
    await record(deps, deliveryRow(decky, draft, result));
    if (!result.success) {
      report.failed += 1;
      continue;
    }
    report.delivered += 1;
    if (parent) report.replies += 1;
    threads.add(draft.threadId);
    sent.push({
      messageId: result.messageId,
      threadId: draft.threadId,
      subject: draft.subject,
      body: draft.body,
      from: sender,
      to: recipient,
      at,
      references: draft.references,
    });
  }
  if (threads.size > 0) {
    const settled = await settleSpool(docker, container, deps.spoolRoot, [...threads], deps.limits);
    if (!settled.success) deps.logger.warn({ decky: decky.uuid, err: settled.stderr }, 'spool directory mtimes not settled');
  }
  return report;
}

// the newest email `sender` received within the reply window, written strictly before `at`
function newestReceived(sent: readonly Sent[], sender: Persona, at: Date): Sent | null {
  const me = sender.email.toLowerCase();
  for (let i = sent.length - 1; i >= 0; i -= 1) {
    const s = sent[i]!;
    if (at.getTime() - s.at.getTime() > REPLY_WINDOW_MS) return null;
    if (s.to.email.toLowerCase() === me && s.at.getTime() < at.getTime()) return s;
  }
  return null;
}

type Generated =
  | { ok: true; text: string; model: string; latencyMs: number }
  | { ok: false; error: string; timedOut: boolean; model: string; latencyMs: number };

// one LLM call; failures and timeouts come back as values, as in the live generate actor.
// null when the signal aborted first: a stop never waits out a slow model.
async function generate(llm: LLMBackend, prompt: string, signal?: AbortSignal): Promise<Generated | null> {
  if (signal?.aborted) return null;
  const started = performance.now();
  let onAbort = () => {};
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const r = await Promise.race([llm.generate(prompt), aborted]);
    if (r === null) return null;
    if (r.success) return { ok: true, text: r.text, model: r.model, latencyMs: r.latencyMs };
    return {
      ok: false,
      error: typeof r.extra.error === 'string' ? r.extra.error : 'generation failed',
      timedOut: false,
      model: r.model,
      latencyMs: r.latencyMs,
    };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: typeof e?.message === 'string' ? e.message : String(err),
      timedOut: e?.code === 'LLM_TIMEOUT',
      model: llm.model,
      latencyMs: Math.round(performance.now() - started),
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function record(deps: EmailBackfillDeps, row: EmailRowDraft): Promise<void> {
  const rec: EmailRecord = { ...row, ts: new Date(row.ts), payload: { ...row.payload, backfilled: true } };
  await deps.emails.recordEmails([rec]);
}
