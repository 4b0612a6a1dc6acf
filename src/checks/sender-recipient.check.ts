import { type RealismCheck, sample, skipped, verdict } from './corpus.js';

const NAME = 'sender-is-recipient';

/** Emails a persona sent to itself (SPEC §6.3). */
export const senderRecipientCheck: RealismCheck = {
  name: NAME,
  description: 'emails whose sender is their recipient',
  run(corpus) {
    const sent = corpus.emails.filter((e) => e.success);
    if (sent.length === 0) return skipped(NAME, '<=', 0, 'no emails');
    const self = sent.filter((e) => e.sender.trim().toLowerCase() === e.recipient.trim().toLowerCase());
    return verdict(
      NAME,
      self.length,
      '<=',
      0,
      `${self.length} of ${sent.length}${self.length ? `: ${sample(self.map((e) => e.sender))}` : ''}`,
    );
  },
};
