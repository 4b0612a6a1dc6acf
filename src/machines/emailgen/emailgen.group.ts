import {
  type AnyActorLogic,
  type AnyEventObject,
  type Actor,
  assign,
  createActor,
  emit,
  enqueueActions,
  fromCallback,
  type InspectionEvent,
  type Observer,
  sendParent,
  setup,
} from 'xstate';
import type { MailCommand, MailReport } from '../mail/mail.events.js';
import { mailMachine } from '../mail/mail.machine.js';
import type { MailInput } from '../mail/mail.types.js';
import type { PersonaCommand, PersonaReport } from '../persona/persona.events.js';
import { personaMachine } from '../persona/persona.machine.js';
import type { PersonaInput } from '../persona/persona.types.js';

/** How many groups share the mail decky and persona actors (a fixed count: the id alone names the group). */
export const ACTOR_GROUPS = 128;

/**
 * The group hosting the actors of mail decky `mailDeckyUuid` (its mail actor and its personas
 * must share a system: they reach each other by system id). FNV-1a of the uuid, so a stop finds
 * the group that spawned an actor without any table.
 */
export function groupOf(mailDeckyUuid: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < mailDeckyUuid.length; i++) {
    h ^= mailDeckyUuid.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `group:${(h >>> 0) % ACTOR_GROUPS}`;
}

/** The group of a mail decky actor (`mail:<uuid>`) or persona actor (`persona:<uuid>:<email>`, no `:` in an address). */
export function groupOfActor(actorId: string): string {
  if (actorId.startsWith('mail:')) return groupOf(actorId.slice('mail:'.length));
  return groupOf(actorId.slice('persona:'.length, actorId.lastIndexOf(':')));
}

/** True for a group's actor id. */
export function isGroupId(id: string): boolean {
  return id.startsWith('group:');
}

/** Commands a group accepts from the emailgen supervisor. */
export type GroupCommand =
  /** spawn these actors (ids are also their system ids), all in one step */
  | { type: 'GROUP.SPAWN'; mail: { id: string; input: MailInput }[]; personas: { id: string; input: PersonaInput }[] }
  /** stop these actors */
  | { type: 'GROUP.STOP'; ids: string[] }
  /** hand `event` to actor `id`, spawned by an earlier GROUP.SPAWN of the same step */
  | { type: 'GROUP.SEND'; id: string; event: PersonaCommand | MailCommand };

/** What a group reports besides its actors' reports: a command for an actor it does not host. */
export type GroupReport = { type: 'GROUP.DROPPED'; id: string; command: string };

/** Every event a group handles: its commands and its actors' reports, which it passes up. */
type GroupEvent = GroupCommand | GroupReport | PersonaReport | MailReport;

/**
 * A slice of the emailgen supervisor's mail decky and persona actors. xstate copies a machine's
 * children map on every child it spawns or stops (and on each child a final state stops), so one
 * parent of N actors pays O(N²) to spawn or stop them all; a group of N / ACTOR_GROUPS actors pays
 * its share only. Reports and child failures go up unchanged; actors still reach one another by
 * system id. Holds no policy: the supervisor decides, the group enacts.
 */
export const groupMachine = setup({
  types: { context: {} as { hosted: number }, events: {} as GroupEvent },
  actors: { mail: mailMachine, persona: personaMachine },
  actions: {
    spawnAll: assign(({ context, event, spawn }) => {
      if (event.type !== 'GROUP.SPAWN') return {};
      for (const m of event.mail) spawn('mail', { id: m.id, systemId: m.id, input: m.input });
      for (const p of event.personas) spawn('persona', { id: p.id, systemId: p.id, input: p.input });
      return { hosted: context.hosted + event.mail.length + event.personas.length };
    }),
    stopAll: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'GROUP.STOP') return;
      for (const id of event.ids) enqueue.stopChild(id);
      enqueue.assign({ hosted: Math.max(0, context.hosted - event.ids.length) });
    }),
    // an actor stopped or crashed since is skipped, and the supervisor told so (it logs it)
    sendIn: enqueueActions(({ event, enqueue, system }) => {
      if (event.type !== 'GROUP.SEND') return;
      const child = system.get(event.id);
      if (child) enqueue.sendTo(child, event.event);
      else enqueue.raise({ type: 'GROUP.DROPPED', id: event.id, command: event.event.type });
    }),
    // to the parent when hosted in its system; the host (createGroupHost) hands it to the supervisor
    passUp: sendParent((_, report: AnyEventObject) => report),
  },
}).createMachine({
  id: 'emailgenGroup',
  description: 'hosts a slice of the mail decky and persona actors and passes their reports up',
  context: { hosted: 0 },
  initial: 'hosting',
  states: {
    hosting: {
      description: 'spawns, stops and forwards on the supervisor’s command',
      on: {
        'GROUP.SPAWN': { actions: 'spawnAll' },
        'GROUP.STOP': { actions: 'stopAll' },
        'GROUP.SEND': { actions: 'sendIn' },
        'PERSONA.STATUS': { actions: { type: 'passUp', params: ({ event }) => event } },
        'MAIL.STATUS': { actions: { type: 'passUp', params: ({ event }) => event } },
        'MAIL.RECORDED': { actions: { type: 'passUp', params: ({ event }) => event } },
        'GROUP.DROPPED': { actions: { type: 'passUp', params: ({ event }) => event } },
        // a crashed actor must not stop its group: the supervisor forgets and respawns it
        'xstate.error.actor.*': { actions: { type: 'passUp', params: ({ event }: { event: AnyEventObject }) => event } },
      },
    },
  },
});

// a host's group emits its reports rather than calling `sendBack` from a custom action: the
// supervisor handles a report synchronously, and inside a custom action xstate (development
// build) warns on every `assign`/`sendTo` the supervisor's `enqueueActions` then creates. An
// emit runs once the group's step is done, in step order, so reports keep their order.
const emitReport = emit<{ hosted: number }, GroupEvent, AnyEventObject, GroupEvent, AnyEventObject>((_, report) => report);

/** The mail and persona logic a host's group spawns (the ones provided to the supervisor). */
export interface GroupHostInput {
  mail: AnyActorLogic;
  persona: AnyActorLogic;
}

/**
 * A group in an xstate system of its own, as a child actor of the supervisor. Stopping an actor
 * walks every timer of its system (xstate's `cancelAll`), so with all personas in one system
 * stopping N of them cost O(N²); a group's system holds only its own actors' timers. Commands
 * are received, reports and failures sent back; the group runs on the supervisor's clock.
 */
export function createGroupHost(opts: { inspect?: Observer<InspectionEvent> | ((e: InspectionEvent) => void) } = {}) {
  return fromCallback<GroupCommand, GroupHostInput>(({ input, receive, sendBack, self }) => {
    const logic = groupMachine.provide({
      actors: { mail: input.mail as typeof mailMachine, persona: input.persona as typeof personaMachine },
      actions: { passUp: emitReport },
    });
    // `self` is the host actor: its clock is the one the supervisor was created with
    const clock = (self as unknown as Partial<Pick<Actor<AnyActorLogic>, 'clock'>>).clock;
    const group = createActor(logic, { ...(clock ? { clock } : {}), ...(opts.inspect ? { inspect: opts.inspect } : {}) });
    // the group machine never fails on its actors' errors; anything else fails the host, visibly
    group.subscribe({ error: (err) => sendBack({ type: `xstate.error.actor.${self.id}`, error: err }) });
    group.on('*', (report) => sendBack(report));
    group.start();
    receive((cmd) => group.send(cmd));
    return () => group.stop();
  });
}
