import { randomUUID } from 'node:crypto';
import { fromPromise } from 'xstate';
import { isSafeThreadId } from '../../infra/mail/eml-path.js';
import type { EmailStorePort } from '../../infra/store/email-store.port.js';
import type { LookupThreadInput, ThreadChoice } from '../../machines/persona/persona.types.js';

/** What the thread lookup binds: the email store, an id source and a clock. */
export interface LookupThreadDeps {
  emails: Pick<EmailStorePort, 'findLatestBetween' | 'referencesFor'>;
  newId?: () => string;
  now?: () => Date;
}

/**
 * `lookupThread` for the persona machine (SPEC §6.3): when a reply is wanted, the pair's newest
 * successful email on this mail decky (either direction) is the parent, with its full chain;
 * otherwise, or when there is none, a fresh uuid thread. Ids never come from model output.
 */
export function createLookupThreadLogic(deps: LookupThreadDeps) {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? (() => new Date());
  return fromPromise<ThreadChoice, LookupThreadInput>(async ({ input }) => {
    const emailId = newId();
    if (input.wantReply) {
      const parent = await deps.emails.findLatestBetween(input.sender, input.recipient, { mailDeckyUuid: input.mailDeckyUuid });
      // a row whose thread id could not name a directory is not answered, whatever wrote it
      if (parent && parent.messageId !== '' && isSafeThreadId(parent.threadId)) {
        const references = await deps.emails.referencesFor(parent.messageId);
        const excerpt = parent.payload.body_excerpt;
        return {
          threadId: parent.threadId,
          emailId,
          parent: {
            messageId: parent.messageId,
            threadId: parent.threadId,
            subject: parent.subject,
            excerpt: typeof excerpt === 'string' ? excerpt : '',
            references,
          },
          at: now().toISOString(),
        };
      }
    }
    return { threadId: newId(), emailId, parent: null, at: now().toISOString() };
  });
}
