import { type AnyActorRef, stopChild } from 'xstate';
import { deckyActorId } from './supervisor.events.js';

type Children = Record<string, AnyActorRef | undefined>;
type StopExecutor = { execute(scope: unknown, ref: AnyActorRef): void };

const DECKY_PREFIX = deckyActorId('');

function resolveStopDeckies(_scope: unknown, snapshot: { children: Children }): [unknown, AnyActorRef[], undefined] {
  const kept: Children = {};
  const refs: AnyActorRef[] = [];
  for (const id in snapshot.children) {
    const ref = snapshot.children[id];
    if (!ref) continue;
    if (id.startsWith(DECKY_PREFIX)) refs.push(ref);
    else kept[id] = ref;
  }
  // only `children` changes, so value, tags and the snapshot's methods are carried over as they are
  return [refs.length === 0 ? snapshot : { ...snapshot, children: kept }, refs, undefined];
}

function executeStopDeckies(scope: unknown, refs: AnyActorRef[]): void {
  const system = refs[0]?.system;
  if (system) {
    // a stopping actor cancels its timers by walking every timer of the system: with 10,000
    // deckies backing off, 10,000 walks of 10,000. Their timers go first, in one walk
    const stopping = new Set<AnyActorRef>(refs);
    for (const e of Object.values(system.getSnapshot()._scheduledEvents)) {
      if (stopping.has(e.source)) system.scheduler.cancel(e.source, e.id);
    }
  }
  // xstate's own stop of each child (unregister its systemIds at once, stop after the queue drains)
  for (const ref of refs) (stopChild(ref) as unknown as StopExecutor).execute(scope, ref);
}

/**
 * Stops every decky actor with one copy of the children map and one walk of the timers. xstate
 * stops a machine's children one `stopChild` at a time, each copying the map, and each stopped
 * actor walks every timer of the system (both O(N²): ~1 min for 10,000 deckies, past systemd's
 * TimeoutStopSec); this action is resolved like xstate's built-in `stopChild` (a `resolve` step
 * returning the next snapshot, an `execute` step stopping the actors) but for all deckies at once.
 */
export const stopAllDeckies = Object.assign(function stopAllDeckies(): void {}, {
  type: 'supervisor.stopAllDeckies',
  resolve: resolveStopDeckies,
  execute: executeStopDeckies,
});
