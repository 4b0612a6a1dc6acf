import {
  type AnyActorLogic,
  type AnyActorRef,
  type AnyMachineSnapshot,
  assign,
  type EventObject,
  enqueueActions,
  fromCallback,
  fromPromise,
  raise,
  setup,
} from 'xstate';
import { mailActorId } from '../mail/mail.events.js';
import { mailMachine } from '../mail/mail.machine.js';
import { personaActorId } from '../persona/persona.events.js';
import { personaMachine } from '../persona/persona.machine.js';
import type { EmailgenEvent } from './emailgen.events.js';
import { createGroupHost, type GroupCommand, type GroupHostInput, groupOfActor } from './emailgen.group.js';
import { isQuiet } from './emailgen.plan.js';
import type {
  EmailgenContext,
  EmailgenEffect,
  EmailgenHeartbeat,
  EmailgenInput,
  EmailgenOutput,
  EmailgenPlan,
  LoadScopeInput,
  ScopeSnapshot,
} from './emailgen.types.js';
import { notProvided } from '../not-provided.js';
import { workerDelays, workerGuards } from '../worker/worker.setup.js';
import type { LogParams } from '../worker/worker.types.js';

type Children = { src: 'group'; logic: ReturnType<typeof createGroupHost>; id: string | undefined };
type EmailgenDelay = 'tickInterval' | 'heartbeatInterval' | 'drainTimeout' | 'discoveryBackoff';
type GroupSpawn = Extract<GroupCommand, { type: 'GROUP.SPAWN' }>;

// the mail and persona logic this supervisor was provided with, for its groups to spawn
function hostedLogic(self: AnyActorRef): GroupHostInput {
  const { mail, persona } = (self.getSnapshot() as AnyMachineSnapshot).machine.implementations.actors;
  return { mail: mail as AnyActorLogic, persona: persona as AnyActorLogic };
}

// turns a planner's answer (data) into actions, in order: the only place effects are enacted.
// Mail decky and persona actors live in groups (emailgen.group.ts), each in a system of its own:
// spawns and stops go to the group of their mail decky as one command per group, and so do sends.
const applyPlan = enqueueActions<
  EmailgenContext,
  EmailgenEvent,
  EmailgenPlan,
  EmailgenEvent,
  Children,
  { type: 'log'; params: LogParams },
  never,
  EmailgenDelay
>(({ context, enqueue, system, self }, plan: EmailgenPlan) => {
  const spawns = new Map<string, GroupSpawn>();
  const stops = new Map<string, string[]>();
  for (const e of plan.effects) {
    if (e.do === 'spawnMail' || e.do === 'spawnPersona') {
      const id = spawnId(e);
      const group = groupOfActor(id);
      const cmd = spawns.get(group) ?? { type: 'GROUP.SPAWN', mail: [], personas: [] };
      spawns.set(group, cmd);
      if (e.do === 'spawnMail') cmd.mail.push({ id, input: { decky: e.decky, ...context.mailTuning } });
      else cmd.personas.push({ id, input: e.input });
    } else if (e.do === 'stop') {
      const group = groupOfActor(e.id);
      stops.set(group, [...(stops.get(group) ?? []), e.id]);
    }
  }
  const newGroups = [...spawns.keys()].filter((g) => !system.get(g));
  if (newGroups.length === 0) enqueue.assign(plan.patch);
  else {
    // one assign spawns every new group: xstate copies the children map once per assign
    const input = hostedLogic(self);
    enqueue.assign(({ spawn }) => {
      for (const g of newGroups) spawn('group', { id: g, systemId: g, input });
      return plan.patch;
    });
  }
  // a group spawned just now is not in the system yet: it is addressed by id
  const groupRef = (g: string) => system.get(g) ?? (spawns.has(g) ? g : undefined);
  const toGroup = (g: string, cmd: GroupCommand) => {
    const ref = groupRef(g);
    if (ref) enqueue.sendTo(ref, cmd);
    return ref !== undefined;
  };
  for (const [g, cmd] of spawns) toGroup(g, cmd);
  for (const [g, ids] of stops) toGroup(g, { type: 'GROUP.STOP', ids });
  for (const effect of plan.effects) {
    if (effect.do === 'send') {
      // after this plan's spawns in the group's mailbox: a new actor exists when it arrives
      if (!toGroup(groupOfActor(effect.id), { type: 'GROUP.SEND', id: effect.id, event: effect.event })) {
        enqueue({
          type: 'log',
          params: { level: 'warn', msg: 'no actor; command dropped', fields: { actor: effect.id, command: effect.event.type } },
        });
      }
    } else if (effect.do === 'stopGroup') enqueue.stopChild(effect.id);
    else if (effect.do === 'log') enqueue({ type: 'log', params: effect.params });
  }
});

// the child (and system) id of a spawn effect
function spawnId(e: EmailgenEffect): string {
  if (e.do === 'spawnMail') return mailActorId(e.decky.uuid);
  if (e.do === 'spawnPersona') return personaActorId(e.input.mailDecky.uuid, e.input.persona.email);
  return '';
}

/**
 * Types, named actors, actions, guards and delays of the emailgen supervisor (its config is in
 * emailgen.machine.ts). Effects are named here and filled in by the runtime's `provide`; the
 * placeholders fail loudly so a missing one is found at once.
 */
export const emailgenSetup = setup({
  types: {
    input: {} as EmailgenInput,
    context: {} as EmailgenContext,
    events: {} as EmailgenEvent,
    output: {} as EmailgenOutput,
  },
  actors: {
    // provided here, spawned by the groups (emailgen.group.ts) with what this machine was provided
    mail: mailMachine,
    persona: personaMachine,
    // the runtime provides one that passes its inspector on to the groups' systems
    group: createGroupHost(),
    loadScope: fromPromise<ScopeSnapshot, LoadScopeInput>(notProvided('loadScope')),
    pruneEmails: fromPromise<number>(notProvided('pruneEmails')),
    discovery: fromCallback<EventObject, { resyncMs: number }>(notProvided('discovery')),
  },
  actions: {
    log: (_, _params: LogParams) => notProvided('log')(),
    publishHeartbeat: (_, _params: EmailgenHeartbeat) => notProvided('publishHeartbeat')(),
    scheduleHeartbeat: raise({ type: 'EMAILGEN.HEARTBEAT' }, { delay: 'heartbeatInterval', id: 'heartbeat' }),
    applyPlan,
    markTicksDone: assign({ stopReason: 'ticks' }),
  },
  guards: workerGuards(isQuiet),
  delays: {
    ...workerDelays,
    drainTimeout: ({ context }) => (context.stopReason === 'ticks' ? context.settleTimeoutMs : context.drainTimeoutMs),
  },
});
