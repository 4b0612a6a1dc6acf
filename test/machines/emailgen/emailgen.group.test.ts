import {
  type AnyEventObject,
  createActor,
  createMachine,
  enqueueActions,
  type InspectionEvent,
  SimulatedClock,
  sendTo,
  setup,
} from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import {
  ACTOR_GROUPS,
  createGroupHost,
  type GroupCommand,
  groupMachine,
  groupOf,
  groupOfActor,
  isGroupId,
} from '../../../src/machines/emailgen/emailgen.group.js';
import { mailActorId } from '../../../src/machines/mail/mail.events.js';
import { mailMachine } from '../../../src/machines/mail/mail.machine.js';
import { personaActorId } from '../../../src/machines/persona/persona.events.js';
import { personaMachine } from '../../../src/machines/persona/persona.machine.js';
import type { PersonaInput } from '../../../src/machines/persona/persona.types.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const MAIL = mailDecky('mail01');
const A = persona({ email: 'alice@acme.example' });
const B = persona({ email: 'bob@acme.example' });
const AT = '2026-03-03T10:00:00.000Z';
const input = (p: typeof A, seed: number): PersonaInput => ({
  mailDecky: { uuid: MAIL.uuid, name: MAIL.name },
  persona: p,
  peers: [A, B],
  at: AT,
  seed,
  meanGapMs: 0,
});

// a parent that hosts one group and records what the group passes up
function host(logic = groupMachine) {
  const up: AnyEventObject[] = [];
  const parent = setup({ actors: { group: logic } }).createMachine({
    invoke: { src: 'group', id: 'g', systemId: 'group:test' },
    on: {
      '*': { actions: ({ event }) => up.push(event) },
      'TO.GROUP': { actions: sendTo('g', ({ event }) => (event as unknown as { cmd: GroupCommand }).cmd) },
    },
  });
  const actor = createActor(parent).start();
  const send = (cmd: GroupCommand) => actor.send({ type: 'TO.GROUP', cmd } as never);
  const group = () => actor.getSnapshot().children.g!;
  return { actor, send, group, up };
}

const visited = new Set<string>();

describe('emailgen actor groups', () => {
  it('put a mail decky and its personas in one group, named from the actor id alone, within ACTOR_GROUPS', () => {
    const uuids = Array.from({ length: 2_000 }, (_, i) => `local:mail${i}`);
    const groups = new Set(uuids.map(groupOf));
    expect(groups.size).toBe(ACTOR_GROUPS);
    for (const g of groups) expect(Number(g.slice('group:'.length))).toBeLessThan(ACTOR_GROUPS);
    // spread evenly enough that no group holds a large share of the mail deckies
    const sizes = [...groups].map((g) => uuids.filter((u) => groupOf(u) === g).length);
    expect(Math.max(...sizes)).toBeLessThan((3 * uuids.length) / ACTOR_GROUPS);
    for (const uuid of ['local:mail01', 'h2:mail:odd', 'topo-1:mx']) {
      expect(groupOfActor(mailActorId(uuid))).toBe(groupOf(uuid));
      expect(groupOfActor(personaActorId(uuid, 'Alice.M@acme.example'))).toBe(groupOf(uuid));
    }
    expect(isGroupId(groupOf(MAIL.uuid))).toBe(true);
    expect(isGroupId(mailActorId(MAIL.uuid))).toBe(false);
  });

  it('spawns its actors by system id in one step, passes their reports up, and stops them on command', () => {
    const { actor, send, group, up } = host();
    trackStates(groupMachine, group(), visited);
    const ids = [personaActorId(MAIL.uuid, A.email), personaActorId(MAIL.uuid, B.email)];
    send({
      type: 'GROUP.SPAWN',
      mail: [],
      personas: [
        { id: ids[0]!, input: input(A, 1) },
        { id: ids[1]!, input: input(B, 2) },
      ],
    });
    expect(Object.keys(group().getSnapshot().children).sort()).toEqual([...ids].sort());
    expect(actor.system.get(ids[0]!)).toBeDefined();
    expect(group().getSnapshot().context.hosted).toBe(2);
    // each persona reports `waiting` on start, to its parent the group, which passes it up unchanged
    expect(
      up
        .filter((e) => e.type === 'PERSONA.STATUS')
        .map((e) => e.id)
        .sort(),
    ).toEqual([...ids].sort());
    send({ type: 'GROUP.STOP', ids: [ids[0]!] });
    expect(Object.keys(group().getSnapshot().children)).toEqual([ids[1]]);
    expect(actor.system.get(ids[0]!)).toBeUndefined();
    expect(group().getSnapshot().context.hosted).toBe(1);
    actor.stop();
  });

  it('hands an event to an actor spawned by an earlier command, and drops one for an actor it does not host', () => {
    const { actor, send, up } = host();
    const id = personaActorId(MAIL.uuid, A.email);
    send({ type: 'GROUP.SPAWN', mail: [], personas: [{ id, input: input(A, 1) }] });
    send({ type: 'GROUP.SEND', id, event: { type: 'PERSONA.COMPOSE', at: AT, recipient: B } });
    // the persona refuses (no lookup provided → it fails into its error path) or composes: either way it reports
    expect(up.filter((e) => e.type === 'PERSONA.STATUS' && e.id === id).length).toBeGreaterThan(1);
    expect(() =>
      send({ type: 'GROUP.SEND', id: 'persona:local:gone:x@acme.example', event: { type: 'PERSONA.COMPOSE', at: AT } }),
    ).not.toThrow();
    expect(actor.getSnapshot().status).toBe('active');
    actor.stop();
  });

  it('spawns mail decky actors with the mail logic it was provided', () => {
    const provided = groupMachine.provide({ actors: { mail: mailMachine, persona: personaMachine } });
    const { actor, send, group } = host(provided);
    send({ type: 'GROUP.SPAWN', mail: [{ id: mailActorId(MAIL.uuid), input: { decky: MAIL } }], personas: [] });
    expect(Object.keys(group().getSnapshot().children)).toEqual([mailActorId(MAIL.uuid)]);
    actor.stop();
  });

  it('passes a crashed actor’s failure up and keeps hosting the others', () => {
    const fragile = createMachine({
      entry: () => {
        throw new Error('boom');
      },
    });
    const { actor, send, group, up } = host(groupMachine.provide({ actors: { persona: fragile as never } }));
    const id = personaActorId(MAIL.uuid, A.email);
    send({ type: 'GROUP.SPAWN', mail: [], personas: [{ id, input: input(A, 1) }] });
    expect(up.some((e) => e.type === `xstate.error.actor.${id}`)).toBe(true);
    expect(group().getSnapshot().status).toBe('active');
    actor.stop();
  });

  it('in a host, runs in a system of its own on the supervisor’s clock, reports back, and stops its actors with it', () => {
    const clock = new SimulatedClock();
    const up: AnyEventObject[] = [];
    const parent = setup({ actors: { group: createGroupHost() } }).createMachine({
      invoke: { src: 'group', id: 'g', input: { mail: mailMachine, persona: personaMachine } },
      on: {
        '*': { actions: ({ event }) => up.push(event) },
        'TO.GROUP': { actions: sendTo('g', ({ event }) => (event as unknown as { cmd: GroupCommand }).cmd) },
      },
    });
    const actor = createActor(parent, { clock }).start();
    const send = (cmd: GroupCommand) => actor.send({ type: 'TO.GROUP', cmd } as never);
    const id = personaActorId(MAIL.uuid, A.email);
    send({
      type: 'GROUP.SPAWN',
      mail: [{ id: mailActorId(MAIL.uuid), input: { decky: MAIL } }],
      personas: [{ id, input: { ...input(A, 1), meanGapMs: 60_000 } }],
    });
    // not in the supervisor's system: only its group reaches it
    expect(actor.system.get(id)).toBeUndefined();
    expect(up).toContainEqual(expect.objectContaining({ type: 'PERSONA.STATUS', id, status: 'waiting' }));
    send({ type: 'GROUP.SEND', id: 'persona:local:mail01:nobody@acme.example', event: { type: 'PERSONA.COMPOSE', at: AT } });
    expect(up).toContainEqual({ type: 'GROUP.DROPPED', id: 'persona:local:mail01:nobody@acme.example', command: 'PERSONA.COMPOSE' });
    // its own deadline passes on the simulated clock: the persona composes (and fails: nothing provided)
    const before = up.length;
    clock.increment(12 * 60 * 60_000);
    expect(up.slice(before).some((e) => e.type === 'PERSONA.STATUS' && e.id === id && e.status !== 'waiting')).toBe(true);
    actor.stop();
    const after = up.length;
    clock.increment(24 * 60 * 60_000);
    expect(up.length).toBe(after);
  });

  it('in a host, passes a crashed actor’s failure back', () => {
    const fragile = createMachine({
      entry: () => {
        throw new Error('boom');
      },
    });
    const up: AnyEventObject[] = [];
    const parent = setup({ actors: { group: createGroupHost() } }).createMachine({
      invoke: { src: 'group', id: 'g', input: { mail: mailMachine, persona: fragile } },
      on: {
        '*': { actions: ({ event }) => up.push(event) },
        'TO.GROUP': { actions: sendTo('g', ({ event }) => (event as unknown as { cmd: GroupCommand }).cmd) },
      },
    });
    const actor = createActor(parent).start();
    const id = personaActorId(MAIL.uuid, A.email);
    actor.send({ type: 'TO.GROUP', cmd: { type: 'GROUP.SPAWN', mail: [], personas: [{ id, input: input(A, 1) }] } } as never);
    expect(up.some((e) => e.type === `xstate.error.actor.${id}`)).toBe(true);
    expect(actor.getSnapshot().status).toBe('active');
    actor.stop();
  });

  it('in a host, hands reports back in the order its actors sent them, outside any custom action (no xstate warning)', () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const clock = new SimulatedClock();
      // reports as the group received them, from its own system's inspection events
      const received: string[] = [];
      const inspect = (e: InspectionEvent) => {
        if (e.type === '@xstate.event' && e.actorRef.sessionId === e.rootId && e.event.type === 'PERSONA.STATUS')
          received.push(`${e.event.id}:${e.event.status}`);
      };
      // like the emailgen supervisor: a report is enacted by `enqueueActions` building `assign` and `sendTo`
      const parent = setup({ types: { context: {} as { seen: string[] } }, actors: { group: createGroupHost({ inspect }) } }).createMachine(
        {
          context: { seen: [] },
          invoke: { src: 'group', id: 'g', input: { mail: mailMachine, persona: personaMachine } },
          on: {
            'PERSONA.STATUS': {
              actions: enqueueActions(({ context, event, enqueue }) => {
                enqueue.assign({ seen: [...context.seen, `${event.id}:${event.status}`] });
                enqueue.sendTo('g', { type: 'GROUP.STOP', ids: [] });
              }),
            },
            'TO.GROUP': { actions: sendTo('g', ({ event }) => (event as unknown as { cmd: GroupCommand }).cmd) },
          },
        },
      );
      const actor = createActor(parent, { clock }).start();
      const ids = [personaActorId(MAIL.uuid, A.email), personaActorId(MAIL.uuid, B.email)];
      const personas = [
        { id: ids[0]!, input: { ...input(A, 1), meanGapMs: 60_000 } },
        { id: ids[1]!, input: { ...input(B, 2), meanGapMs: 60_000 } },
      ];
      actor.send({
        type: 'TO.GROUP',
        cmd: { type: 'GROUP.SPAWN', mail: [{ id: mailActorId(MAIL.uuid), input: { decky: MAIL } }], personas },
      } as never);
      // deadlines pass on the simulated clock: reports now start in the group's system, not the parent's
      for (let h = 0; h < 24; h++) clock.increment(60 * 60_000);
      const seen = actor.getSnapshot().context.seen;
      expect(seen.filter((s) => !s.endsWith(':waiting')).length).toBeGreaterThan(0);
      expect(seen).toEqual(received);
      actor.stop();
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('Custom actions should not call'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('visits every state of the group across these runs', () => {
    expect([...visited].sort()).toEqual([...stateIds(groupMachine)].sort());
  });
});
