import { type AnyActorRef, fromCallback } from 'xstate';
import type { DriverCommand, DriverReport } from '../../machines/decky/decky.events.js';
import type { ActionOutcome, PlantFileInput, SendTrafficInput } from '../../machines/decky/decky.types.js';

/** The two calls a decky's actions run through; `signal` aborts when the decky actor stops. */
export interface DeckyCalls {
  sendTraffic(input: SendTrafficInput, signal: AbortSignal): Promise<ActionOutcome>;
  plantFile(input: PlantFileInput, signal: AbortSignal): Promise<ActionOutcome>;
}

/**
 * The deckies' driver: one callback actor for the whole system (its parent invokes it with
 * systemId `DRIVER_ID`), not a promise actor per action, whose actor, abort controller, spawn
 * and stop were ~15 % of xstate's time per action; and not one per decky (+2.2 KB of heap per
 * decky). Each `DECKY.RUN_*` command is answered once, to its `replyTo`, with `DECKY.DRIVER_DONE`
 * or `DECKY.DRIVER_FAILED`. A call's signal aborts when its decky actor stops or fails (its exec
 * is abandoned), or when the driver itself stops; an answer to a stopped decky goes nowhere.
 */
export function deckyDriver(calls: DeckyCalls) {
  return fromCallback<DriverCommand>(({ receive }) => {
    const running = new Set<AbortController>();
    receive((command) => {
      const { replyTo } = command;
      // a decky stopped before its command got here: nothing to run, nobody to answer
      if (replyTo.getSnapshot().status !== 'active') return;
      const controller = new AbortController();
      const abort = () => controller.abort();
      // a stopped actor completes its observers, a failed one errors them: both end the call
      const watch = replyTo.subscribe({ complete: abort, error: abort });
      const answer = (report: DriverReport) => {
        watch.unsubscribe();
        running.delete(controller);
        if (!controller.signal.aborted) send(replyTo, report);
      };
      running.add(controller);
      let call: Promise<ActionOutcome>;
      try {
        call =
          command.type === 'DECKY.RUN_TRAFFIC'
            ? calls.sendTraffic(command.input, controller.signal)
            : calls.plantFile(command.input, controller.signal);
      } catch (error) {
        // a call that throws before its promise exists is a failed action like a rejection
        answer({ type: 'DECKY.DRIVER_FAILED', error });
        return;
      }
      call.then(
        (outcome) => answer({ type: 'DECKY.DRIVER_DONE', outcome }),
        (error: unknown) => answer({ type: 'DECKY.DRIVER_FAILED', error }),
      );
    });
    return () => {
      for (const controller of running) controller.abort();
    };
  });
}

function send(ref: AnyActorRef, report: DriverReport): void {
  if (ref.getSnapshot().status === 'active') ref.send(report);
}
