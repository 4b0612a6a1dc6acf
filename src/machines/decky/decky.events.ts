import type { RunningDecky } from '../../infra/store/inventory.port.js';
import type { FilePlan } from '../policy/file-plan.js';
import type { DeckyStatus, EventDraft, PeerRef } from './decky.types.js';

/** Commands a decky machine accepts (from its supervisor). */
export type DeckyCommand =
  /** connect from this decky to `dst`'s SSH port (SPEC §3.1) */
  | { type: 'DECKY.SEND_TRAFFIC'; dst: PeerRef }
  /** drop or refresh a file on this decky (SPEC §3.2) */
  | { type: 'DECKY.PLANT_FILE'; plan: FilePlan }
  /** traffic from another decky reached this one; record the inbound side */
  | { type: 'DECKY.TRAFFIC_ARRIVED'; arrivalId: string; src: string; draft: EventDraft }
  /** the inventory changed this decky's row (ip, services) */
  | { type: 'DECKY.UPDATE'; decky: RunningDecky }
  /** its engine answers again after an outage: failures while it was away were not the decky's */
  | { type: 'DECKY.RESUME' };

/** Reports a decky machine sends to its parent. */
export type DeckyReport =
  /** availability for the policy: only `available` deckies are picked */
  | { type: 'DECKY.AVAILABILITY'; uuid: string; available: boolean; status: DeckyStatus }
  /** this decky sent traffic; the parent routes it to the destination's actor */
  | { type: 'DECKY.TRAFFIC_SENT'; src: string; dst: string; draft: EventDraft }
  /** a row to record; `arrivalId` when it closes a routed traffic arrival */
  | { type: 'DECKY.RECORD'; uuid: string; draft: EventDraft; arrivalId?: string };

/** Every event a decky machine handles (commands plus its actors' done/error events). */
export type DeckyEvent = DeckyCommand;
