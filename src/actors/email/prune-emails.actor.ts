import { fromPromise } from 'xstate';
import type { EmailStorePort } from '../../infra/store/email-store.port.js';

/** `pruneEmails` for the emailgen supervisor: keep the newest `keep` emails per mail decky (SPEC §4.3). */
export function createPruneEmailsLogic(deps: { emails: Pick<EmailStorePort, 'pruneEmails'>; keep: number }) {
  return fromPromise<number>(() => deps.emails.pruneEmails(deps.keep));
}
