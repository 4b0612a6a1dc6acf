import { assign, type EventObject, enqueueActions, fromCallback, fromPromise, raise, setup } from 'xstate';
import { mailActorId } from '../mail/mail.events.js';
import { mailMachine } from '../mail/mail.machine.js';
import { personaActorId } from '../persona/persona.events.js';
import { personaMachine } from '../persona/persona.machine.js';
import type { LogParams } from '../supervisor/supervisor.types.js';
import type { EmailgenEvent } from './emailgen.events.js';
import { isQuiet } from './emailgen.plan.js';
import type { EmailgenContext, EmailgenHeartbeat, EmailgenInput, EmailgenOutput, EmailgenPlan, ScopeSnapshot } from './emailgen.types.js';

const notProvided = (name: string) => () => {
  throw new Error(`not provided: ${name}`);
};

type Children =
  | { src: 'mail'; logic: typeof mailMachine; id: string | undefined }
  | { src: 'persona'; logic: typeof personaMachine; id: string | undefined };
type EmailgenDelay = 'tickInterval' | 'heartbeatInterval' | 'drainTimeout' | 'discoveryBackoff';

// turns a planner's answer (data) into actions, in order: the only place effects are enacted
const applyPlan = enqueueActions<EmailgenContext, EmailgenEvent, EmailgenPlan, EmailgenEvent, Children, { type: 'log'; params: LogParams }, never, EmailgenDelay>(
  ({ context, enqueue, system }, plan: EmailgenPlan) => {
    enqueue.assign(plan.patch);
    // children spawned by this plan are not in the system yet; a send to them resolves by id later
    const spawnedNow = new Set<string>();
    for (const effect of plan.effects) {
      switch (effect.do) {
        case 'spawnMail': {
          const id = mailActorId(effect.decky.uuid);
          enqueue.spawnChild('mail', { id, systemId: id, input: { decky: effect.decky, ...context.mailTuning } });
          spawnedNow.add(id);
          break;
        }
        case 'spawnPersona': {
          const id = personaActorId(effect.input.mailDecky.uuid, effect.input.persona.email);
          enqueue.spawnChild('persona', { id, systemId: id, input: effect.input });
          spawnedNow.add(id);
          break;
        }
        case 'stop':
          enqueue.stopChild(effect.id);
          break;
        case 'send': {
          const child = system.get(effect.id);
          if (child) enqueue.sendTo(child, effect.event);
          else if (spawnedNow.has(effect.id)) enqueue.sendTo(effect.id, effect.event);
          else enqueue({ type: 'log', params: { level: 'warn', msg: 'no actor; command dropped', fields: { actor: effect.id, command: effect.event.type } } });
          break;
        }
        case 'log':
          enqueue({ type: 'log', params: effect.params });
          break;
      }
    }
  },
);

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
    mail: mailMachine,
    persona: personaMachine,
    loadScope: fromPromise<ScopeSnapshot>(notProvided('loadScope')),
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
  guards: {
    isQuiet: ({ context }) => isQuiet(context),
    stoppedByTicks: ({ context }) => context.stopReason === 'ticks',
    reachesTickLimit: ({ context }) => context.maxTicks !== null && context.ticks + 1 >= context.maxTicks,
    isPruneDue: ({ context }) => (context.ticks + 1) % context.pruneEveryTicks === 0,
  },
  delays: {
    tickInterval: ({ context }) => context.nextTickMs,
    heartbeatInterval: 30_000,
    drainTimeout: ({ context }) => (context.stopReason === 'ticks' ? context.settleTimeoutMs : context.drainTimeoutMs),
    discoveryBackoff: 5_000,
  },
});
