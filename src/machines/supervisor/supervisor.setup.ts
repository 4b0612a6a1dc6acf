import { type EventObject, enqueueActions, fromCallback, fromPromise, raise, setup } from 'xstate';
import { deckyMachine } from '../decky/decky.machine.js';
import { unprovidedDriver } from '../decky/unprovided-driver.js';
import { crashedDeckyUuid, deckyActorId, type EventWriterCommand, type SupervisorEvent } from './supervisor.events.js';
import { isQuiet } from './supervisor.routing.js';
import { stopAllDeckies } from './supervisor.stop-all.js';
import type {
  HeartbeatParams,
  ListRunningInput,
  Plan,
  RunningSnapshot,
  SupervisorContext,
  SupervisorInput,
  SupervisorOutput,
} from './supervisor.types.js';
import { notProvided } from '../not-provided.js';
import { workerDelays, workerGuards } from '../worker/worker.setup.js';
import type { LogParams } from '../worker/worker.types.js';

/** Restart delay of a crashed decky actor: 1 s doubling per crash, capped at 60 s. */
export function restartDelay(restarts: number): number {
  return Math.min(1_000 * 2 ** Math.min(Math.max(restarts - 1, 0), 10), 60_000);
}

// the id of a decky's delayed command, so a stop can drop it before it is delivered
const dispatchId = (uuid: string) => `dispatch:${uuid}`;

type DeckyActor = { src: 'decky'; logic: typeof deckyMachine; id: string | undefined };
type SupervisorDelay = 'tickInterval' | 'heartbeatInterval' | 'drainTimeout' | 'discoveryBackoff' | 'restartBackoff' | 'syncTimeout';

// turns a planner's answer (data) into actions, in order: the only place effects are enacted
const applyPlan = enqueueActions<
  SupervisorContext,
  SupervisorEvent,
  Plan,
  SupervisorEvent,
  DeckyActor,
  { type: 'log'; params: LogParams },
  never,
  SupervisorDelay
>(({ context, enqueue, system }, plan: Plan) => {
  // one pass, and no set or arrays unless the plan spawns: this runs on every decky report
  let records = 0;
  let spawns: Extract<Plan['effects'][number], { do: 'spawn' }>[] | null = null;
  for (const e of plan.effects) {
    if (e.do === 'record') records += 1;
    else if (e.do === 'spawn') {
      spawns ??= [];
      spawns.push(e);
    }
  }
  const spawned = spawns === null ? null : new Set(spawns.map((e) => deckyActorId(e.decky.uuid)));
  if (spawns === null) {
    // nothing to assign (a refused or stale report): skip xstate's assign and its context copy
    const patch = records > 0 ? { ...plan.patch, recorded: context.recorded + records } : plan.patch;
    if (hasKeys(patch)) enqueue.assign(patch);
  } else {
    // one assign spawns them all: xstate copies the children map once per assign, but once per
    // child with spawnChild, which made a thousand-decky start-up quadratic
    enqueue.assign(({ context: c, spawn }) => {
      for (const e of spawns) {
        const id = deckyActorId(e.decky.uuid);
        spawn('decky', { id, systemId: id, input: { decky: e.decky, ...c.tuning } });
      }
      return { ...plan.patch, recorded: c.recorded + records };
    });
  }
  for (const effect of plan.effects) {
    switch (effect.do) {
      case 'spawn':
        break;
      case 'stop':
        enqueue.cancel(dispatchId(effect.uuid));
        enqueue.stopChild(deckyActorId(effect.uuid));
        break;
      case 'send': {
        const id = deckyActorId(effect.uuid);
        // a child spawned earlier in this plan is not in the system yet: address it by id
        const target = spawned?.has(id) ? id : system.get(id);
        if (!target)
          enqueue({
            type: 'log',
            params: {
              level: 'warn',
              msg: 'no actor for decky; command dropped',
              fields: { decky: effect.uuid, command: effect.command.type },
            },
          });
        else if (effect.delayMs) enqueue.sendTo(target, effect.command, { delay: effect.delayMs, id: dispatchId(effect.uuid) });
        else enqueue.sendTo(target, effect.command);
        break;
      }
      case 'cancelDispatch':
        enqueue.cancel(dispatchId(effect.uuid));
        break;
      case 'record': {
        const writer = system.get('eventWriter');
        const d = effect.draft;
        const command: EventWriterCommand = { type: 'EVENT.RECORD', draft: d };
        if (writer) enqueue.sendTo(writer, command);
        else enqueue({ type: 'log', params: { level: 'error', msg: 'event writer missing: row lost', fields: { draft: d } } });
        // SPEC §8: one info line per action, saying kind, success and dst
        enqueue({
          type: 'log',
          params: {
            level: 'info',
            msg: 'action',
            fields: { kind: d.kind, success: d.success, src: d.srcDeckyUuid, dst: d.dstDeckyUuid, action: d.action },
          },
        });
        break;
      }
      case 'log':
        enqueue({ type: 'log', params: effect.params });
        break;
      case 'scheduleRestart':
        enqueue.raise({ type: 'SUPERVISOR.RESTART_DECKY', uuid: effect.uuid }, { delay: 'restartBackoff', id: `restart:${effect.uuid}` });
        break;
      case 'cancelRestart':
        enqueue.cancel(`restart:${effect.uuid}`);
        break;
    }
  }
});

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Types, named actors, actions, guards and delays of the supervisor (its config is in
 * supervisor.machine.ts). Every effect is named here and filled in by the runtime's `provide`;
 * the placeholders fail loudly so a missing one is found at once.
 */
export const supervisorSetup = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    output: {} as SupervisorOutput,
  },
  actors: {
    decky: deckyMachine,
    // every decky's actions run through this one actor; unprovided, every action fails naming it
    deckyDriver: unprovidedDriver,
    listRunning: fromPromise<RunningSnapshot, ListRunningInput>(notProvided('listRunning')),
    pruneEvents: fromPromise<number>(notProvided('pruneEvents')),
    discovery: fromCallback<EventObject, { resyncMs: number }>(notProvided('discovery')),
    eventWriter: fromCallback<EventWriterCommand>(notProvided('eventWriter')),
  },
  actions: {
    log: (_, _params: LogParams) => notProvided('log')(),
    publishHeartbeat: (_, _params: HeartbeatParams) => notProvided('publishHeartbeat')(),
    scheduleHeartbeat: raise({ type: 'SUPERVISOR.HEARTBEAT' }, { delay: 'heartbeatInterval', id: 'heartbeat' }),
    applyPlan,
    stopAllDeckies,
  },
  guards: workerGuards(isQuiet),
  delays: {
    ...workerDelays,
    drainTimeout: 10_000,
    syncTimeout: ({ context }) => 2 * context.resyncMs,
    restartBackoff: ({ context, event }) => restartDelay(context.restarts[crashedDeckyUuid(event.type) ?? ''] ?? 1),
  },
});
