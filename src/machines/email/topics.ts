import { type Rng, pickOne } from '../../domain/rng.js';

/** Everyday corporate subjects a new thread starts from (the original had 16; SPEC §6.3). */
export const CONTEXT_TOPICS: readonly string[] = [
  'the quarterly budget review and next quarter forecast',
  'a planned server maintenance window this weekend',
  'renewing the contract with an office supplies vendor',
  'onboarding a new team member next Monday',
  'the agenda for the upcoming all-hands meeting',
  'a request for VPN access for a contractor',
  'approving a pending expense report',
  'a slipping project timeline and what to cut',
  'an escalation from an unhappy customer',
  'the annual security awareness training deadline',
  'desk moves during the office reorganisation',
  'software licences that expire at the end of the month',
  'results of the last backup and restore test',
  'the hiring plan for the next two quarters',
  'follow-up actions from the client meeting yesterday',
  'an invoice that does not match the purchase order',
  'scheduling the mid-year performance reviews',
  'the migration to the new CRM system',
  'travel arrangements for the trade fair',
  'holiday cover for the support rota',
];

/** One topic for a new thread. */
export function pickTopic(rng: Rng, topics: readonly string[] = CONTEXT_TOPICS): string {
  return pickOne(topics, rng) ?? CONTEXT_TOPICS[0]!;
}
