import { assign, type DoneActorEvent, type ErrorActorEvent, enqueueActions, fromPromise, not, sendParent, setup } from 'xstate';
import { mailActorId, type MailCommand } from '../mail/mail.events.js';
import {
  canComposeAt,
  emailDraft,
  failedDraft,
  generationError,
  ownRecipient,
  promptOf,
  scheduleNext,
  scheduleRest,
  startComposition,
  usableEmail,
} from './persona.compose.js';
import { initialContext, isTimeout, lookupInput, ms } from './persona.context.js';
import type { PersonaEvent, PersonaReport } from './persona.events.js';
import { activeAt, MAX_TIMER_MS, timerDelay } from './persona.schedule.js';
import type {
  GenerateInput,
  GenerationResult,
  LookupThreadInput,
  PersonaContext,
  PersonaInput,
  PersonaStatus,
  ThreadChoice,
} from './persona.types.js';
import { errText } from '../../domain/err-text.js';
import { notProvided } from '../not-provided.js';

const atDeadline = ({ context }: { context: PersonaContext }) => ({ at: context.nextWriteAt });
type Compose = Extract<PersonaEvent, { type: 'PERSONA.COMPOSE' }>;

/**
 * One persona on one mail decky (SPEC §6.3, §7): writes on the supervisor's request (inside its
 * active hours) or on its own schedule: the human process at `emailsPerDay` (hours in its zone,
 * weekdays, leave, bursts) or the legacy heavy-tailed gap; picks reply or new thread, asks the
 * LLM, and hands the email (or the failure) to its mail decky's actor. Deadlines live in context.
 */
export const personaMachine = setup({
  types: {
    input: {} as PersonaInput,
    context: {} as PersonaContext,
    events: {} as PersonaEvent,
  },
  actors: {
    lookupThread: fromPromise<ThreadChoice, LookupThreadInput>(notProvided('lookupThread')),
    generate: fromPromise<GenerationResult, GenerateInput>(notProvided('generate')),
  },
  actions: {
    reportStatus: sendParent(
      ({ context }, params: { status: PersonaStatus; note?: string }): PersonaReport => ({
        type: 'PERSONA.STATUS',
        id: context.id,
        mailDeckyUuid: context.mailDeckyUuid,
        status: params.status,
        ...(params.note ? { note: params.note } : {}),
      }),
    ),
    startAsked: assign(({ context }, p: { event: Compose }) => {
      const at = ms(p.event.at);
      const recipient = p.event.recipient ?? ownRecipient(context, at);
      // the guard checked that a recipient exists
      return recipient ? startComposition(context, at, recipient, 'asked') : {};
    }),
    startOwn: assign(({ context }) => {
      const recipient = ownRecipient(context, context.nextWriteAt);
      return recipient ? startComposition(context, context.nextWriteAt, recipient, 'own') : {};
    }),
    scheduleNext: assign(({ context }, p: { at: number }) => scheduleNext(context, p.at)),
    scheduleRest: assign(({ context }, p: { at: number }) => scheduleRest(context, p.at)),
    noteClock: assign(({ context }, p: { at: number }) => ({ clock: Math.max(context.clock, p.at) })),
    takeThread: assign(({ context }, p: { thread: ThreadChoice }) => ({
      compose: context.compose ? { ...context.compose, thread: p.thread } : null,
      clock: Math.max(context.clock, ms(p.thread.at)),
    })),
    handOff: enqueueActions(({ context, enqueue, system }, p: { gen: GenerationResult | null; error?: unknown }) => {
      const parsed = p.gen ? usableEmail(context, p.gen) : null;
      let command: MailCommand;
      if (p.gen && parsed) command = { type: 'MAIL.DELIVER', draft: emailDraft(context, p.gen, parsed) };
      else {
        const error = p.gen ? generationError(p.gen) : errText(p.error);
        const timedOut = p.gen ? p.gen.timedOut === true : isTimeout(p.error);
        command = { type: 'MAIL.RECORD_FAILURE', draft: failedDraft(context, { error, timedOut, ...(p.gen ? { gen: p.gen } : {}) }) };
      }
      const mail = system.get(mailActorId(context.mailDeckyUuid));
      if (mail) enqueue.sendTo(mail, command);
      else enqueue.raise({ type: 'PERSONA.HANDOFF_FAILED', reason: `no actor for mail decky ${context.mailDeckyUuid}` });
    }),
    countSettled: assign(({ context, event }) => {
      const ok = event.type === 'MAIL.SETTLED' && event.success;
      return { written: context.written + (ok ? 1 : 0), failed: context.failed + (ok ? 0 : 1) };
    }),
    countFailed: assign({ failed: ({ context }) => context.failed + 1 }),
    updatePersona: assign(({ context, event }) =>
      event.type === 'PERSONA.UPDATE' ? { persona: event.persona, peers: event.peers, clock: Math.max(context.clock, ms(event.at)) } : {},
    ),
  },
  guards: {
    canCompose: ({ context }, p: { event: Compose }) => canComposeAt(context, ms(p.event.at), p.event.recipient),
    hasOwnSchedule: ({ context }) => context.meanGapMs > 0 || context.emailsPerDay > 0,
    // a deadline further out than one timer can hold is reached in several hops
    isBeforeDeadline: ({ context }) => context.nextWriteAt - context.clock > MAX_TIMER_MS,
    // the human process already shapes its hours: only the legacy schedule rests on a timer
    isOffHoursAtDeadline: ({ context }) =>
      context.emailsPerDay <= 0 && !activeAt(context.persona, context.nextWriteAt, context.fallbackZone),
    hasRecipientAtDeadline: ({ context }) => ownRecipient(context, context.nextWriteAt) !== null,
    isActiveAtRestEnd: ({ context }) => activeAt(context.persona, context.restUntil ?? context.clock, context.fallbackZone),
    settlesCurrent: ({ context, event }) => event.type === 'MAIL.SETTLED' && event.jobId === context.compose?.jobId,
    generatedUsable: ({ context }, p: { gen: GenerationResult }) => usableEmail(context, p.gen) !== null,
  },
  delays: {
    untilNextWrite: ({ context }) => timerDelay(context.nextWriteAt, context.clock),
    untilActive: ({ context }) => timerDelay(context.restUntil ?? context.clock, context.clock),
    handOffTimeout: ({ context }) => context.handOffTimeoutMs,
  },
}).createMachine({
  id: 'persona',
  description: 'one persona on one mail decky: decides when it writes, what (reply or new thread), and hands the email to its mail decky',
  context: ({ input }) => initialContext(input),
  initial: 'waiting',
  on: {
    'PERSONA.UPDATE': { actions: 'updatePersona' },
  },
  states: {
    waiting: {
      description: 'inside or outside its hours, until its own deadline `nextWriteAt` or a compose request',
      entry: { type: 'reportStatus', params: { status: 'waiting' } },
      on: { 'PERSONA.COMPOSE': composeOrRefuse('waiting') },
      after: {
        untilNextWrite: [
          {
            guard: 'isBeforeDeadline',
            target: 'waiting',
            reenter: true,
            actions: { type: 'noteClock', params: ({ context }) => ({ at: context.clock + MAX_TIMER_MS }) },
          },
          { guard: not('hasOwnSchedule'), target: 'waiting', reenter: true, actions: { type: 'scheduleNext', params: atDeadline } },
          // its own deadline passed: off hours → rest; a recipient → write; else wait again
          {
            guard: 'isOffHoursAtDeadline',
            target: 'resting',
            actions: [
              { type: 'noteClock', params: atDeadline },
              { type: 'scheduleRest', params: atDeadline },
            ],
          },
          { guard: 'hasRecipientAtDeadline', target: 'composing', actions: [{ type: 'noteClock', params: atDeadline }, 'startOwn'] },
          { target: 'waiting', reenter: true, actions: { type: 'scheduleNext', params: atDeadline } },
        ],
      },
    },
    resting: {
      description: 'outside its active hours until `restUntil` (the window opening, jittered)',
      entry: { type: 'reportStatus', params: { status: 'resting' } },
      on: { 'PERSONA.COMPOSE': composeOrRefuse('resting') },
      after: {
        untilActive: [
          {
            guard: 'isActiveAtRestEnd',
            target: 'waiting',
            actions: { type: 'scheduleNext', params: ({ context }) => ({ at: context.restUntil ?? context.clock }) },
          },
          {
            target: 'resting',
            reenter: true,
            actions: { type: 'scheduleRest', params: ({ context }) => ({ at: context.restUntil ?? context.clock }) },
          },
        ],
      },
    },
    composing: {
      description: 'one email under way: thread choice, then the LLM',
      entry: { type: 'reportStatus', params: { status: 'composing' } },
      // busy: refused, and the parent is told again what the persona is doing
      on: { 'PERSONA.COMPOSE': { actions: { type: 'reportStatus', params: { status: 'composing', note: 'busy' } } } },
      initial: 'choosingThread',
      states: {
        choosingThread: {
          description: 'reply (the pair’s newest email, SPEC §6.3) or a new thread',
          invoke: {
            src: 'lookupThread',
            input: ({ context }) => lookupInput(context),
            onDone: {
              target: 'generating',
              actions: { type: 'takeThread', params: ({ event }: { event: DoneActorEvent<ThreadChoice> }) => ({ thread: event.output }) },
            },
            // the store is unreachable: nothing can be recorded either, so the email is given up
            onError: {
              target: '#persona.waiting',
              actions: [
                'countFailed',
                {
                  type: 'reportStatus',
                  params: ({ event }: { event: ErrorActorEvent }) => ({
                    status: 'composing',
                    note: `thread lookup failed: ${errText(event.error)}`,
                  }),
                },
                { type: 'scheduleNext', params: ({ context }) => ({ at: context.clock }) },
              ],
            },
          },
        },
        generating: {
          description: 'the LLM writes the email (through the circuit breaker)',
          invoke: {
            src: 'generate',
            input: ({ context }) => ({ prompt: promptOf(context) }),
            onDone: {
              target: '#persona.handingOff',
              actions: [
                { type: 'noteClock', params: ({ event }: { event: DoneActorEvent<GenerationResult> }) => ({ at: ms(event.output.at) }) },
                { type: 'handOff', params: ({ event }: { event: DoneActorEvent<GenerationResult> }) => ({ gen: event.output }) },
              ],
            },
            onError: {
              target: '#persona.handingOff',
              actions: { type: 'handOff', params: ({ event }: { event: ErrorActorEvent }) => ({ gen: null, error: event.error }) },
            },
          },
        },
      },
    },
    handingOff: {
      description: 'the mail decky delivers (or records the failure); waits for its answer up to `handOffTimeout`',
      entry: { type: 'reportStatus', params: { status: 'handingOff' } },
      on: {
        'PERSONA.COMPOSE': { actions: { type: 'reportStatus', params: { status: 'handingOff', note: 'busy' } } },
        'MAIL.SETTLED': {
          guard: 'settlesCurrent',
          target: 'waiting',
          actions: [
            'countSettled',
            { type: 'scheduleNext', params: ({ event }) => ({ at: event.type === 'MAIL.SETTLED' ? ms(event.at) : 0 }) },
          ],
        },
        'PERSONA.HANDOFF_FAILED': {
          target: 'waiting',
          actions: [
            'countFailed',
            {
              type: 'reportStatus',
              params: ({ event }) => ({
                status: 'handingOff',
                note: event.type === 'PERSONA.HANDOFF_FAILED' ? event.reason : 'hand-off failed',
              }),
            },
            { type: 'scheduleNext', params: ({ context }) => ({ at: context.clock }) },
          ],
        },
      },
      after: {
        handOffTimeout: {
          target: 'waiting',
          actions: ['countFailed', { type: 'scheduleNext', params: ({ context }) => ({ at: context.clock + context.handOffTimeoutMs }) }],
        },
      },
    },
  },
});

// a compose request in waiting or resting: accepted when active now with a recipient, else refused
function composeOrRefuse(status: 'waiting' | 'resting') {
  const params = ({ event }: { event: PersonaEvent }) => ({ event: event as Compose });
  return [
    { guard: { type: 'canCompose' as const, params }, target: '#persona.composing', actions: { type: 'startAsked' as const, params } },
    { actions: { type: 'reportStatus' as const, params: { status, note: 'not active or no active recipient' } } },
  ];
}
