import type { RunningDecky } from '../../infra/store/inventory.port.js';
import type { FilePlan } from '../policy/file-plan.js';
import type { DeckyStatus, EventDraft, PeerRef } from './decky.types.js';

/** Commands a decky machine accepts (from its supervisor). */
export type DeckyCommand =
  /**
   * connect from this decky to `dst`'s SSH port (SPEC §3.1); `ack`: report `acting` on start (a
   * delayed command: its sender cannot tell when it was delivered)
   */
  | { type: 'DECKY.SEND_TRAFFIC'; dst: PeerRef; ack?: true }
  /** drop or refresh a file on this decky (SPEC §3.2); `ack` as above */
  | { type: 'DECKY.PLANT_FILE'; plan: FilePlan; ack?: true }
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
  /**
   * this decky sent traffic; the parent routes it to the destination's actor. `status`: what the
   * decky is now that the action settled (one report instead of an outcome plus an availability)
   */
  | { type: 'DECKY.TRAFFIC_SENT'; src: string; dst: string; draft: EventDraft; status: SettledStatus }
  /**
   * a row to record: this decky's own file action (with its `status` now, as above), or the
   * inbound side of routed traffic (`arrivalId`, no status: the decky's own state did not change)
   */
  | { type: 'DECKY.RECORD'; uuid: string; draft: EventDraft; arrivalId?: string; status?: SettledStatus };

/** What a decky is once its action settled: idle again, or backing off after repeated failures. */
export type SettledStatus = Exclude<DeckyStatus, 'acting'>;

/** Every event a decky machine handles (commands plus its actors' done/error events). */
export type DeckyEvent = DeckyCommand;
