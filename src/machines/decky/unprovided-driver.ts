import { fromCallback } from 'xstate';
import type { DriverCommand } from './decky.events.js';

/** The driver of a system whose runtime provided none: every action fails, naming what is missing. */
export const unprovidedDriver = fromCallback<DriverCommand>(({ receive }) => {
  receive(({ replyTo }) => {
    if (replyTo.getSnapshot().status === 'active')
      replyTo.send({ type: 'DECKY.DRIVER_FAILED', error: new Error('not provided: deckyDriver') });
  });
});
