import type { EmailDraft } from '../../machines/mail/mail.events.js';
import type { DeliveryResult } from '../../machines/mail/mail.types.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import { runEmailDelivery } from './email-delivery.driver.js';
import type { DriverLimits } from './traffic.driver.js';
import { buildEml } from '../../infra/mail/eml.js';
import { withTraceHeaders } from '../../infra/mail/trace-headers.js';

/** Where and how a draft is delivered. */
interface DraftDelivery {
  /** `<name>-imap` or `<name>-pop3` */
  container: string;
  /** absolute spool root inside the mail container (DECNET_SPOOL_ROOT) */
  spoolRoot: string;
  limits?: DriverLimits | undefined;
  /** Message-ID source for the sender's domain */
  makeId: (senderEmail: string) => string;
  /** the mail decky's name, its host name on DECNET: the `by` of the last Received hop */
  mailHost: string;
  /** the mail decky's zone for its Received stamp; unknown → UTC */
  mailHostZone?: string;
}

/** A refused delivery: nothing was executed. */
export function refusedDelivery(container: string, why: string, messageId = ''): DeliveryResult {
  return { success: false, messageId, emlPath: '', bytes: 0, container, rc: null, stderr: `refused: ${why}`.slice(0, 256), durationMs: 0 };
}

/**
 * Builds the EML of `draft` (Message-ID on the sender's domain, Date = `draft.at` in the sender's
 * zone), prepends the trace a delivering MTA leaves (Return-Path, Delivered-To, Received chain,
 * trace-headers.ts) and writes it into the spool with mtime = Date (SPEC §3.3, §6.5). The live mail decky and
 * the email backfill both deliver through here. `docker` is a thunk so an unknown host is a
 * refusal, not a throw. Never rejects for expected failures.
 */
export async function deliverDraft(docker: () => DockerPort, draft: EmailDraft, how: DraftDelivery): Promise<DeliveryResult> {
  let eml: ReturnType<typeof buildEml>;
  try {
    eml = buildEml({
      from: draft.from,
      to: draft.to,
      subject: draft.subject,
      body: draft.body,
      date: new Date(draft.at),
      timezone: draft.timezone,
      messageId: how.makeId(draft.from.email),
      inReplyTo: draft.inReplyTo,
      references: draft.references,
      language: draft.language,
    });
  } catch (err) {
    return refusedDelivery(how.container, (err as Error).message);
  }
  let engine: DockerPort;
  try {
    engine = docker();
  } catch (err) {
    return refusedDelivery(how.container, (err as Error).message, eml.headers.messageId);
  }
  const out = await runEmailDelivery(
    engine,
    {
      container: how.container,
      spoolRoot: how.spoolRoot,
      threadId: draft.threadId,
      messageId: eml.headers.messageId,
      sentAt: eml.headers.sentAt,
      // the message as the sender's client wrote it, under the trace the receiving server adds
      eml: withTraceHeaders(eml.bytes, {
        messageId: eml.headers.messageId,
        from: draft.from.email,
        to: draft.to.email,
        sentAt: eml.headers.sentAt,
        mailHost: how.mailHost,
        senderZone: draft.timezone,
        ...(how.mailHostZone ? { receiverZone: how.mailHostZone } : {}),
      }),
    },
    how.limits,
  );
  const result: DeliveryResult = {
    success: out.success,
    messageId: eml.headers.messageId,
    emlPath: out.emlPath,
    bytes: out.bytes,
    container: out.container,
    rc: out.rc,
    date: eml.headers.date,
    durationMs: out.durationMs,
  };
  if (out.stderr) result.stderr = out.stderr;
  if (out.existed) result.existed = true;
  if (out.timedOut) result.timedOut = true;
  if (out.truncated) result.truncated = true;
  return result;
}
