import { fromPromise } from 'xstate';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import { deliverDraft, refusedDelivery } from '../drivers/deliver-draft.js';
import { newMessageId } from '../../infra/mail/eml.js';
import type { RunningDecky } from '../../domain/decky.js';
import { mailContainerName } from '../../machines/email/mail-decky.js';
import type { DeliverInput, DeliveryResult } from '../../machines/mail/mail.types.js';
import { abortableDocker } from '../abortable-docker.js';

/** What the delivery actor binds: the engine of each decky, the spool root and exec bounds. */
interface DeliverEmailDeps {
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
 * `<name>-pop3`, with mtime = Date. Never rejects for expected failures: they are results. When the
 * actor is stopped (drain bound passed, decky gone) its exec is abandoned at once.
 */
export function createDeliverEmailLogic(deps: DeliverEmailDeps) {
  const makeId = deps.newMessageId ?? ((sender: string) => newMessageId(sender));
  return fromPromise<DeliveryResult, DeliverInput>(async ({ input, signal }) => {
    const { decky, draft } = input;
    const container = mailContainerName(decky) ?? '';
    if (!container) return refusedDelivery(container, 'decky has neither imap nor pop3');
    return deliverDraft(() => abortableDocker(deps.dockerFor(decky), signal), draft, {
      container,
      spoolRoot: deps.spoolRoot,
      limits: deps.limits,
      makeId,
      mailHost: decky.name,
    });
  });
}
