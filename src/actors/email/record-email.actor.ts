import { randomUUID } from 'node:crypto';
import { fromPromise } from 'xstate';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Logger } from '../../infra/log/logger.port.js';
import type { EmailStorePort } from '../../infra/store/email-store.port.js';
import type { EmailRecord } from '../../domain/email-record.js';
import type { RecordedEmail } from '../../machines/mail/mail.machine.js';
import type { EmailRowDraft } from '../../machines/mail/mail.types.js';
import { publishEmail } from './publish-email.js';

/** What the record actor binds: the store, the bus, the logger and a clock. */
interface RecordEmailDeps {
  emails: Pick<EmailStorePort, 'recordEmails'>;
  bus: BusPort;
  logger: Logger;
  now?: () => Date;
}

/** Turns a row draft into a store row; a draft without a usable uuid or time gets fresh ones. */
function toEmailRecord(d: EmailRowDraft, now: () => Date, newId: () => string = randomUUID): EmailRecord {
  const ts = new Date(d.ts);
  return { ...d, uuid: d.uuid || newId(), ts: Number.isNaN(ts.getTime()) ? now() : ts };
}

/**
 * `recordEmail` for the mail decky machine (SPEC §4.2, §5): writes the row, then publishes
 * `orchestrator.email.<mail_decky>` and logs one info line (kind email, success, dst, stage), so
 * no subscriber or log reader ever sees an email the store lacks. Rejects when the store refuses.
 */
export function createRecordEmailLogic(deps: RecordEmailDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'emailgen' });
  return fromPromise<RecordedEmail, EmailRowDraft>(async ({ input }) => {
    const row = toEmailRecord(input, now);
    await deps.emails.recordEmails([row]);
    publishEmail(deps.bus, row);
    log.info(
      {
        kind: 'email',
        success: row.success,
        dst: row.mailDeckyUuid,
        stage: row.payload.stage,
        uuid: row.uuid,
        thread: row.threadId,
        reply: row.inReplyTo !== null,
        ...(row.success ? {} : { err: row.payload.stderr }),
      },
      'email',
    );
    return { at: now().toISOString() };
  });
}
