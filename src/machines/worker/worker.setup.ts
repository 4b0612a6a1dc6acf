import type { WorkerClock } from './worker.types.js';

/** The guards the shared states name (worker.states.ts); `isQuiet` is the worker's own. */
export function workerGuards<C extends WorkerClock>(isQuiet: (context: C) => boolean) {
  return {
    isQuiet: ({ context }: { context: C }) => isQuiet(context),
    stoppedByTicks: ({ context }: { context: C }) => context.stopReason === 'ticks',
    reachesTickLimit: ({ context }: { context: C }) => context.maxTicks !== null && context.ticks + 1 >= context.maxTicks,
    isPruneDue: ({ context }: { context: C }) => (context.ticks + 1) % context.pruneEveryTicks === 0,
  };
}

/** The delays the shared states and the heartbeat name, but `drainTimeout` (each worker bounds its own drain). */
export const workerDelays = {
  tickInterval: ({ context }: { context: WorkerClock }) => context.nextTickMs,
  heartbeatInterval: 30_000,
  discoveryBackoff: 5_000,
};
