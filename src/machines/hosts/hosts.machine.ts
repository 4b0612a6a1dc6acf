import { enqueueActions, type EventObject, fromCallback, fromPromise, sendParent, setup } from 'xstate';
import { hostMachine } from './host.machine.js';
import { type HostLogParams, type HostSpec, type HostsContext, type HostsInput, hostActorId } from './host.types.js';
import { notProvided } from '../not-provided.js';

/** Events the hosts actor handles: discovery reports from the local discovery and host actors. */
type HostsEvent =
  | { type: 'DISCOVERY.SYNCED'; hostUuid?: string; running?: number; deckies?: number; recovered?: boolean }
  | { type: 'DISCOVERY.DEGRADED'; hostUuid?: string; reason: string };

type HostActor = { src: 'host'; logic: typeof hostMachine; id: string | undefined };

// spawns an actor for every new host and stops the actors of hosts that are gone
const applyHostList = enqueueActions<
  HostsContext,
  EventObject,
  { hosts: HostSpec[] },
  HostsEvent,
  HostActor,
  { type: 'log'; params: HostLogParams },
  never,
  never
>(({ context, enqueue }, { hosts }) => {
  const next: Record<string, HostSpec> = {};
  for (const h of hosts) next[h.uuid] = h;
  const added = hosts.filter((h) => !(h.uuid in context.hosts));
  const removed = Object.keys(context.hosts).filter((uuid) => !(uuid in next));
  for (const uuid of removed) enqueue.stopChild(hostActorId(uuid));
  for (const h of added) enqueue.spawnChild('host', { id: hostActorId(h.uuid), input: { host: h, resyncMs: context.resyncMs } });
  enqueue.assign({ hosts: next });
  if (added.length > 0 || removed.length > 0) {
    enqueue({
      type: 'log',
      params: { level: 'info', msg: 'swarm hosts changed', fields: { added: added.map((h) => h.name), removed, hosts: hosts.length } },
    });
  }
  // a removed host's deckies were torn down with its row: have the supervisor read that
  if (removed.length > 0) enqueue.sendParent({ type: 'DISCOVERY.SYNCED', running: 0, deckies: 0 });
});

/**
 * Discovery across Docker hosts (SPEC §1.3, issue 6), invoked by the supervisor as its
 * `discovery`: the local engine's discovery plus one host actor per `swarm_hosts` row, re-read
 * every `hostListInterval` so hosts added or removed while the daemon runs are picked up. Every
 * discovery report goes up to the supervisor; one host's trouble never stops another's actor.
 */
export const hostsMachine = setup({
  types: {
    input: {} as HostsInput,
    context: {} as HostsContext,
    events: {} as HostsEvent,
  },
  actors: {
    localDiscovery: fromCallback<EventObject, { resyncMs: number }>(notProvided('localDiscovery')),
    listHosts: fromPromise<HostSpec[]>(notProvided('listHosts')),
    host: hostMachine,
  },
  actions: {
    log: (_, _params: HostLogParams) => notProvided('log')(),
    forward: sendParent(({ event }) => event),
    applyHostList,
  },
  delays: {
    hostListInterval: ({ context }) => context.resyncMs,
    discoveryBackoff: 5_000,
  },
}).createMachine({
  id: 'hosts',
  description: 'the local discovery and one host actor per swarm host; forwards their reports',
  context: ({ input }) => ({ resyncMs: input.resyncMs, hosts: {} }),
  type: 'parallel',
  on: {
    'DISCOVERY.SYNCED': { actions: 'forward' },
    'DISCOVERY.DEGRADED': { actions: 'forward' },
  },
  states: {
    local: {
      description: 'the engine this daemon runs beside',
      initial: 'watching',
      states: {
        watching: {
          invoke: {
            src: 'localDiscovery',
            input: ({ context }) => ({ resyncMs: context.resyncMs }),
            onError: {
              target: 'recovering',
              actions: [
                {
                  type: 'log',
                  params: ({ event }) => ({
                    level: 'error',
                    msg: 'local discovery failed; restarting',
                    fields: { err: String(event.error) },
                  }),
                },
                sendParent(({ event }) => ({ type: 'DISCOVERY.DEGRADED', hostUuid: 'local', reason: String(event.error) })),
              ],
            },
          },
        },
        recovering: { description: 'waits `discoveryBackoff` before watching again', after: { discoveryBackoff: 'watching' } },
      },
    },
    swarm: {
      description: 'keeps one host actor per swarm_hosts row',
      initial: 'listing',
      states: {
        listing: {
          invoke: {
            src: 'listHosts',
            onDone: { target: 'waiting', actions: { type: 'applyHostList', params: ({ event }) => ({ hosts: event.output }) } },
            onError: {
              target: 'waiting',
              actions: {
                type: 'log',
                params: ({ event }) => ({
                  level: 'warn',
                  msg: 'could not read swarm hosts; keeping the known ones',
                  fields: { err: String(event.error) },
                }),
              },
            },
          },
        },
        waiting: { description: 'until `hostListInterval` passes', after: { hostListInterval: 'listing' } },
      },
    },
  },
});
