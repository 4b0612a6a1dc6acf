import { assign, type DoneActorEvent, type ErrorActorEvent, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import type { EmailStage, MailCommand, MailReport, MailSettled } from './mail.events.js';
import { deliveryRow, llmFailureRow, rejectedDelivery, stageOf } from './mail.row.js';
import type { DeliverInput, DeliveryResult, EmailRowDraft, MailContext, MailInput, MailJob } from './mail.types.js';
import { notProvided } from '../not-provided.js';

const DEFAULTS = { failureThreshold: 3, backoffBaseMs: 60_000, backoffMaxMs: 30 * 60_000, recordAttempts: 3, maxQueue: 50 };

/** What `recordEmail` resolves to: when the row was committed (ISO 8601). */
export interface RecordedEmail {
  at: string;
}

/** Delay of the n-th consecutive backoff (n ≥ 1): base × 2^(n-1), capped. */
function mailBackoffDelay(ctx: Pick<MailContext, 'backoffs' | 'backoffBaseMs' | 'backoffMaxMs'>): number {
  const n = Math.max(ctx.backoffs, 1);
  return Math.min(ctx.backoffBaseMs * 2 ** Math.min(n - 1, 30), ctx.backoffMaxMs);
}

/**
 * One mail decky (SPEC §3.3, §4.2): delivers the emails its personas hand it, one at a time
 * through `deliver`, records every outcome (delivered, failed delivery, failed generation)
 * through `recordEmail`, answers the persona, and backs off after repeated delivery failures.
 */
export const mailMachine = setup({
  types: {
    input: {} as MailInput,
    context: {} as MailContext,
    events: {} as MailCommand,
  },
  actors: {
    deliver: fromPromise<DeliveryResult, DeliverInput>(notProvided('deliver')),
    recordEmail: fromPromise<RecordedEmail, EmailRowDraft>(notProvided('recordEmail')),
  },
  actions: {
    reportStatus: sendParent(
      ({ context }, params: { backingOff: boolean }): MailReport => ({
        type: 'MAIL.STATUS',
        uuid: context.decky.uuid,
        status: params.backingOff ? 'backingOff' : context.current || context.queue.length > 0 ? 'busy' : 'idle',
        queued: context.queue.length,
      }),
    ),
    enqueueJob: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'MAIL.DELIVER' && event.type !== 'MAIL.RECORD_FAILURE') return;
      const job: MailJob =
        event.type === 'MAIL.DELIVER' ? { kind: 'deliver', draft: event.draft } : { kind: 'llmFailed', draft: event.draft };
      if (context.queue.length < context.maxQueue) {
        enqueue.assign({ queue: [...context.queue, job] });
        return;
      }
      // refused, not lost silently: the persona is told and the parent logs it
      const stage: EmailStage = job.kind === 'deliver' ? 'delivery' : 'llm';
      const persona = system.get(job.draft.replyTo);
      const settled: MailSettled = { type: 'MAIL.SETTLED', jobId: job.draft.jobId, success: false, stage, at: job.draft.at };
      if (persona) enqueue.sendTo(persona, settled);
      const report: MailReport = {
        type: 'MAIL.RECORDED',
        uuid: context.decky.uuid,
        jobId: job.draft.jobId,
        success: false,
        stage,
        recorded: false,
      };
      enqueue.sendParent(report);
    }),
    takeNext: assign(({ context }) => {
      const [current, ...queue] = context.queue;
      const row = current?.kind === 'llmFailed' ? llmFailureRow(context.decky, current.draft) : null;
      return { current: current ?? null, queue, row, attempts: 0 };
    }),
    takeDelivery: assign(({ context }, params: { result: DeliveryResult }) => {
      if (context.current?.kind !== 'deliver') return {};
      const ok = params.result.success;
      return {
        row: deliveryRow(context.decky, context.current.draft, params.result),
        failures: ok ? 0 : context.failures + 1,
        backoffs: ok ? 0 : context.backoffs,
      };
    }),
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    settleJob: enqueueActions(({ context, enqueue, system }, params: { recorded: boolean; at: string | null }) => {
      const job = context.current;
      if (!job) return;
      const stage = stageOf(job, context.row);
      const success = stage === 'delivered';
      const persona = system.get(job.draft.replyTo);
      const settled: MailSettled = { type: 'MAIL.SETTLED', jobId: job.draft.jobId, success, stage, at: params.at ?? job.draft.at };
      if (persona) enqueue.sendTo(persona, settled);
      const report: MailReport = {
        type: 'MAIL.RECORDED',
        uuid: context.decky.uuid,
        jobId: job.draft.jobId,
        success,
        stage,
        recorded: params.recorded,
      };
      enqueue.sendParent(report);
      enqueue.assign({
        current: null,
        row: null,
        delivered: context.delivered + (success ? 1 : 0),
        failed: context.failed + (success ? 0 : 1),
        lost: context.lost + (params.recorded ? 0 : 1),
      });
    }),
    countBackoff: assign({ backoffs: ({ context }) => context.backoffs + 1 }),
    // after a backoff the decky is on probation: one more failure backs it off again, longer
    armProbation: assign({ failures: ({ context }) => Math.max(context.failureThreshold - 1, 0) }),
    updateDecky: assign({ decky: ({ context, event }) => (event.type === 'MAIL.UPDATE' ? event.decky : context.decky) }),
  },
  guards: {
    nextIsDelivery: ({ context }) => context.queue[0]?.kind === 'deliver',
    nextIsFailure: ({ context }) => context.queue[0]?.kind === 'llmFailed',
    canRetryRecord: ({ context }) => context.attempts + 1 < context.recordAttempts,
    // only failed deliveries count: a dead LLM says nothing about the mail decky
    reachesFailureThreshold: ({ context }) =>
      context.current?.kind === 'deliver' && !context.row?.success && context.failures >= context.failureThreshold,
  },
  delays: {
    retryBackoff: ({ context }) => mailBackoffDelay(context),
    recordRetry: ({ context }) => 500 * 2 ** context.attempts,
  },
}).createMachine({
  id: 'mail',
  description: 'one mail decky: delivers handed-off emails one at a time, records each outcome, backs off on repeated delivery failure',
  context: ({ input }) => ({
    decky: input.decky,
    failureThreshold: input.failureThreshold ?? DEFAULTS.failureThreshold,
    backoffBaseMs: input.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
    backoffMaxMs: input.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
    recordAttempts: input.recordAttempts ?? DEFAULTS.recordAttempts,
    maxQueue: input.maxQueue ?? DEFAULTS.maxQueue,
    queue: [],
    current: null,
    row: null,
    attempts: 0,
    failures: 0,
    backoffs: 0,
    delivered: 0,
    failed: 0,
    lost: 0,
  }),
  initial: 'idle',
  on: {
    'MAIL.DELIVER': { actions: 'enqueueJob' },
    'MAIL.RECORD_FAILURE': { actions: 'enqueueJob' },
    'MAIL.UPDATE': { actions: 'updateDecky' },
  },
  states: {
    idle: {
      description: 'no job under way; takes the next queued one at once',
      entry: { type: 'reportStatus', params: { backingOff: false } },
      always: [
        { guard: 'nextIsDelivery', target: 'working.delivering', actions: 'takeNext' },
        { guard: 'nextIsFailure', target: 'working.recording', actions: 'takeNext' },
      ],
    },
    working: {
      description: 'one job under way; later ones wait in the queue',
      entry: { type: 'reportStatus', params: { backingOff: false } },
      initial: 'delivering',
      states: {
        delivering: {
          description: 'EML built and written into the spool by `deliver` (SPEC §3.3)',
          invoke: {
            src: 'deliver',
            input: ({ context }) => deliverInput(context),
            onDone: { target: 'recording', actions: { type: 'takeDelivery', params: ({ event }: DoneArgs) => ({ result: event.output }) } },
            onError: {
              target: 'recording',
              actions: {
                type: 'takeDelivery',
                params: ({ context, event }: ErrorArgs) => ({ result: rejectedDelivery(context.decky, event.error) }),
              },
            },
          },
        },
        recording: {
          description: 'the `orchestrator_emails` row is written; the bus event follows the commit',
          invoke: {
            src: 'recordEmail',
            input: ({ context }) => rowOf(context),
            onDone: settle(({ event }: { event: DoneActorEvent<RecordedEmail> }) => ({ recorded: true, at: event.output.at })),
            onError: [
              { guard: 'canRetryRecord', target: 'retryingRecord', actions: 'countAttempt' },
              ...settle(() => ({ recorded: false, at: null })),
            ],
          },
        },
        retryingRecord: {
          description: 'the store refused the row; waits `recordRetry` before writing it again',
          after: { recordRetry: 'recording' },
        },
      },
    },
    backingOff: {
      description: 'repeated delivery failures: deliveries wait in the queue until `retryBackoff` passes',
      entry: ['countBackoff', { type: 'reportStatus', params: { backingOff: true } }],
      after: { retryBackoff: { target: 'idle', actions: 'armProbation' } },
    },
  },
});

type DoneArgs = { event: DoneActorEvent<DeliveryResult> };
type ErrorArgs = { context: MailContext; event: ErrorActorEvent };

// a finished job: the persona is answered, then the decky backs off or takes the next job
function settle<A>(params: (args: A) => { recorded: boolean; at: string | null }) {
  const action = { type: 'settleJob' as const, params };
  return [
    { guard: 'reachesFailureThreshold' as const, target: '#mail.backingOff', actions: action },
    { target: '#mail.idle', actions: action },
  ];
}

// substates are only entered through `takeNext`, so `current` and `row` are set there
function deliverInput(context: MailContext): DeliverInput {
  if (context.current?.kind !== 'deliver') throw new Error('delivering without a delivery');
  return { decky: context.decky, draft: context.current.draft };
}

function rowOf(context: MailContext): EmailRowDraft {
  if (!context.row) throw new Error('recording without a row');
  return context.row;
}
