import { fromPromise } from 'xstate';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import { runEmailDelivery } from '../../infra/drivers/email-delivery.driver.js';
import type { DriverLimits } from '../../infra/drivers/traffic.driver.js';
import { buildEml, newMessageId } from '../../infra/mail/eml.js';
import type { RunningDecky } from '../../infra/store/inventory.port.js';
import { mailContainerName } from '../../machines/email/mail-decky.js';
import type { DeliverInput, DeliveryResult } from '../../machines/mail/mail.types.js';

/** What the delivery actor binds: the engine of each decky, the spool root and exec bounds. */
export interface DeliverEmailDeps {
  dockerFor: (decky: RunningDecky) => DockerPort;
  /** absolute spool root inside the mail container (DECNET_SPOOL_ROOT) */
  spoolRoot: string;
  limits?: DriverLimits;
  /** Message-ID source; tests pin it */
  newMessageId?: (senderEmail: string) => string;
}

/**
 * `deliver` for the mail decky machine (SPEC §3.3, §6.5): builds the EML from the draft (Message-ID
 * on the sender's domain, Date in the sender's zone) and writes it into `<name>-imap`, else
 * `<name>-pop3`, with mtime = Date. Never rejects for expected failures: they are results.
 */
export function createDeliverEmailLogic(deps: DeliverEmailDeps) {
  const makeId = deps.newMessageId ?? ((sender: string) => newMessageId(sender));
  return fromPromise<DeliveryResult, DeliverInput>(async ({ input }) => {
    const { decky, draft } = input;
    const container = mailContainerName(decky) ?? '';
    const refused = (why: string, messageId = ''): DeliveryResult => ({
      success: false,
      messageId,
      emlPath: '',
      bytes: 0,
      container,
      rc: null,
      stderr: `refused: ${why}`.slice(0, 256),
      durationMs: 0,
    });
    if (!container) return refused('decky has neither imap nor pop3');
    let eml: ReturnType<typeof buildEml>;
    try {
      eml = buildEml({
        from: draft.from,
        to: draft.to,
        subject: draft.subject,
        body: draft.body,
        date: new Date(draft.at),
        timezone: draft.timezone,
        messageId: makeId(draft.from.email),
        inReplyTo: draft.inReplyTo,
        references: draft.references,
        language: draft.language,
      });
    } catch (err) {
      return refused((err as Error).message);
    }
    let docker: DockerPort;
    try {
      docker = deps.dockerFor(decky);
    } catch (err) {
      return refused((err as Error).message, eml.headers.messageId);
    }
    const out = await runEmailDelivery(
      docker,
      { container, spoolRoot: deps.spoolRoot, threadId: draft.threadId, messageId: eml.headers.messageId, sentAt: eml.headers.sentAt, eml: eml.bytes },
      deps.limits,
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
  });
}
