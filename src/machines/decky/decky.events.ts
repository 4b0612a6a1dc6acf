import type { AnyActorRef } from 'xstate';
import type { RunningDecky } from '../../domain/decky.js';
import type { FilePlan } from '../policy/file-plan.js';
import type { ActionOutcome, DeckyStatus, PeerRef, PlantFileInput, SendTrafficInput } from './decky.types.js';
import type { EventDraft } from '../../domain/event.js';

/** Commands a decky machine accepts (from its supervisor). */
export type DeckyCommand =
  /**
   * connect from this decky to `dst`'s SSH port (SPEC §3.1); `ack`: report `acting` on start (a
   * delayed command: its sender cannot tell when it was delivered)
   */
  | { type: 'DECKY.SEND_TRAFFIC'; dst: PeerRef; ack?: true }
  /** drop or refresh a file on this decky (SPEC §3.2); `ack` as above */
  | { type: 'DECKY.PLANT_FILE'; plan: FilePlan; ack?: true }
  /** the inventory changed this decky's row (ip, services) */
  | { type: 'DECKY.UPDATE'; decky: RunningDecky }
  /** its engine answers again after an outage: failures while it was away were not the decky's */
  | { type: 'DECKY.RESUME' };

/** Reports a decky machine sends to its parent. */
export type DeckyReport =
  /** availability for the policy: only `available` deckies are picked */
  | { type: 'DECKY.AVAILABILITY'; uuid: string; available: boolean; status: DeckyStatus }
  /**
   * this decky sent traffic; the parent records its row (src and dst). `status`: what the decky
   * is now that the action settled (one report instead of an outcome plus an availability)
   */
  | { type: 'DECKY.TRAFFIC_SENT'; src: string; dst: string; draft: EventDraft; status: SettledStatus }
  /** the row of this decky's own file action, with its `status` now, as above */
  | { type: 'DECKY.RECORD'; uuid: string; draft: EventDraft; status: SettledStatus };

/** What a decky is once its action settled: idle again, or backing off after repeated failures. */
export type SettledStatus = Exclude<DeckyStatus, 'acting'>;

/** What a decky machine asks the driver actor: run one action, answer `replyTo` (the decky). */
export type DriverCommand =
  | { type: 'DECKY.RUN_TRAFFIC'; input: SendTrafficInput; replyTo: AnyActorRef }
  | { type: 'DECKY.RUN_FILE'; input: PlantFileInput; replyTo: AnyActorRef };

/** The driver's answer to one command: the outcome, or the call's rejection. */
export type DriverReport = { type: 'DECKY.DRIVER_DONE'; outcome: ActionOutcome } | { type: 'DECKY.DRIVER_FAILED'; error: unknown };

/** Every event a decky machine handles: commands plus its driver's answers. */
export type DeckyEvent = DeckyCommand | DriverReport;
