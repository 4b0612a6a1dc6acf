import { assign, createActor, fromCallback, fromPromise, SimulatedClock, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { afterAll, describe, expect, it } from 'vitest';
import type { MailReport, MailSettled } from '../../../src/machines/mail/mail.events.js';
import { mailMachine, type RecordedEmail } from '../../../src/machines/mail/mail.machine.js';
import type { DeliverInput, DeliveryResult, EmailRowDraft } from '../../../src/machines/mail/mail.types.js';
import { emailDraft, failedDraft, mailDecky } from '../../builders/emailgen.builders.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const DECKY = mailDecky();
const THRESHOLD = 2;
const ATTEMPTS = 2;
const BASE = 1_000;
const CAP = 4 * BASE;
const MAX_MODEL_BACKOFFS = 3;

type M = { failures: number; backoffs: number; attempts: number; kind: 'deliver' | 'llm'; delivered: boolean; queued: number };

/** The abstract model of a mail decky's email path, as an operator describes it. */
const model = setup({
  types: { context: {} as M },
  guards: {
    backsOff: ({ context }) => context.kind === 'deliver' && !context.delivered && context.failures >= THRESHOLD,
    hasQueued: ({ context }) => context.queued > 0,
    queueEmpty: ({ context }) => context.queued === 0,
    retries: ({ context }) => context.attempts + 1 < ATTEMPTS,
  },
  actions: {
    stay: () => undefined,
    queue: assign({ queued: 1 }),
    takeQueued: assign(({ context }) => ({ queued: context.queued - 1, kind: 'deliver' as const, attempts: 0 })),
    countBackoff: assign(({ context }) => ({ backoffs: Math.min(context.backoffs + 1, MAX_MODEL_BACKOFFS), attempts: 0 })),
    resetAttempts: assign({ attempts: 0 }),
    failDelivery: assign(({ context }) => ({ failures: context.failures + 1, delivered: false })),
    countAttempt: assign(({ context }) => ({ attempts: context.attempts + 1 })),
  },
}).createMachine({
  id: 'mailModel',
  context: { failures: 0, backoffs: 0, attempts: 0, kind: 'deliver', delivered: false, queued: 0 },
  initial: 'idle',
  states: {
    idle: {
      on: {
        DELIVER: { target: 'delivering', actions: assign({ kind: 'deliver' as const }) },
        LLM_FAILED: { target: 'recording', actions: assign({ kind: 'llm' as const, delivered: false }) },
      },
    },
    delivering: {
      on: {
        DELIVERY_SUCCEEDS: { target: 'recording', actions: assign({ failures: 0, backoffs: 0, delivered: true }) },
        DELIVERY_FAILS: { target: 'recording', actions: 'failDelivery' },
        DELIVER_REJECTS: { target: 'recording', actions: 'failDelivery' },
        DELIVER_WHILE_BUSY: { guard: 'queueEmpty', actions: 'queue' },
      },
    },
    recording: {
      on: {
        // what happens once the row is settled (written or given up)
        ROW_COMMITS: [
          { guard: 'backsOff', target: 'backingOff', actions: 'countBackoff' },
          { guard: 'hasQueued', target: 'delivering', actions: 'takeQueued' },
          { target: 'idle', actions: 'resetAttempts' },
        ],
        STORE_REFUSES: [
          { guard: 'retries', target: 'retryingRecord', actions: 'countAttempt' },
          { guard: 'backsOff', target: 'backingOff', actions: 'countBackoff' },
          { guard: 'hasQueued', target: 'delivering', actions: 'takeQueued' },
          { target: 'idle', actions: 'resetAttempts' },
        ],
        DELIVER_WHILE_BUSY: { guard: 'queueEmpty', actions: 'queue' },
      },
    },
    retryingRecord: { on: { RETRY_ELAPSES: 'recording' } },
    backingOff: {
      on: {
        DELIVER_WHILE_BUSY: { guard: 'queueEmpty', actions: 'queue' },
        BACKOFF_ELAPSES: [
          { guard: 'hasQueued', target: 'delivering', actions: [assign({ failures: THRESHOLD - 1 }), 'takeQueued'] },
          { target: 'idle', actions: assign({ failures: THRESHOLD - 1 }) },
        ],
        TICK: { actions: 'stay' },
      },
    },
  },
});

function pendingPromise<I, O>() {
  const calls: { input: I; resolve: (o: O) => void; reject: (e: Error) => void; settled: boolean }[] = [];
  const logic = fromPromise<O, I>(({ input }) => new Promise((resolve, reject) => calls.push({ input, resolve, reject, settled: false })));
  const pending = () => calls.filter((c) => !c.settled);
  const settle = (fn: (c: (typeof calls)[number]) => void) => {
    const open = pending();
    expect(open).toHaveLength(1);
    open[0]!.settled = true;
    fn(open[0]!);
  };
  return { logic, calls, pending, settle };
}

const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const visited = new Set<string>();

function createSut() {
  const deliver = pendingPromise<DeliverInput, DeliveryResult>();
  const record = pendingPromise<EmailRowDraft, RecordedEmail>();
  const clock = new SimulatedClock();
  const reports: MailReport[] = [];
  const settled: MailSettled[] = [];
  const draft = emailDraft();
  const mail = mailMachine.provide({ actors: { deliver: deliver.logic, recordEmail: record.logic } });
  const harness = setup({
    actors: { mail, personaStub: fromCallback(({ receive }) => receive((e) => settled.push(e as MailSettled))) },
  }).createMachine({
    invoke: [
      {
        src: 'mail',
        id: 'mail',
        input: { decky: DECKY, failureThreshold: THRESHOLD, backoffBaseMs: BASE, backoffMaxMs: CAP, recordAttempts: ATTEMPTS },
      },
      { src: 'personaStub', systemId: draft.replyTo },
    ],
    on: { '*': { actions: ({ event }) => reports.push(event as MailReport) } },
  });
  const root = createActor(harness, { clock }).start();
  const child = root.getSnapshot().children.mail!;
  trackStates(mailMachine, child, visited);
  const snap = () => child.getSnapshot() as ReturnType<typeof mailMachine.getInitialSnapshot>;
  const lastStatus = () => reports.filter((r) => r.type === 'MAIL.STATUS').at(-1);
  const recorded = () => reports.filter((r) => r.type === 'MAIL.RECORDED');
  const result = (success: boolean): DeliveryResult => ({
    success,
    messageId: '<abc@acme.example>',
    emlPath: `/var/spool/x/${draft.threadId}/abc_at_acme.example.eml`,
    bytes: 321,
    container: 'mail01-imap',
    rc: success ? 0 : 1,
    durationMs: 12,
    ...(success ? { date: 'Tue, 03 Mar 2026 09:14:07 +0100' } : { stderr: 'mkdir: cannot create directory: Read-only file system' }),
  });

  // a settled job answers the persona once and reports once to the parent
  async function expectSettled(before: { settled: number; recorded: number }, recordedOk: boolean) {
    await tick();
    expect(settled.slice(before.settled)).toHaveLength(1);
    const r = recorded().slice(before.recorded);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ uuid: DECKY.uuid, jobId: draft.jobId, recorded: recordedOk });
    expect(settled.at(-1)).toMatchObject({ type: 'MAIL.SETTLED', jobId: draft.jobId, success: r[0]!.success, stage: r[0]!.stage });
  }
  const counts = () => ({ settled: settled.length, recorded: recorded().length });

  return {
    states: {
      idle: () => {
        expect(snap().value).toBe('idle');
        expect(lastStatus()).toMatchObject({ status: 'idle', queued: 0 });
        expect(deliver.pending().length + record.pending().length).toBe(0);
      },
      delivering: () => {
        expect(snap().value).toEqual({ working: 'delivering' });
        expect(lastStatus()).toMatchObject({ status: 'busy' });
        expect(deliver.pending().map((c) => c.input)).toEqual([{ decky: DECKY, draft }]);
      },
      recording: ({ context }: { context: M }) => {
        expect(snap().value).toEqual({ working: 'recording' });
        const rows = record.pending().map((c) => c.input);
        expect(rows).toHaveLength(1);
        const row = rows[0]!;
        expect(row).toMatchObject({
          uuid: draft.emailId,
          mailDeckyUuid: DECKY.uuid,
          threadId: draft.threadId,
          senderEmail: 'alice@acme.example',
          recipientEmail: 'bob@acme.example',
        });
        if (context.kind === 'llm') {
          expect(row).toMatchObject({
            success: false,
            messageId: '',
            subject: '',
            emlPath: '',
            payload: { stage: 'llm', rc: null, timed_out: true },
          });
        } else if (context.delivered) {
          expect(row).toMatchObject({
            success: true,
            messageId: '<abc@acme.example>',
            subject: draft.subject,
            emlPath: expect.stringContaining('.eml'),
            payload: { stage: 'delivered', bytes: 321, container: 'mail01-imap', rc: 0 },
          });
          expect(row.payload.body_excerpt).toContain('Could you send the figures?');
        } else {
          expect(row).toMatchObject({ success: false, emlPath: '', payload: { stage: 'delivery' } });
          expect(String(row.payload.stderr).length).toBeGreaterThan(0);
        }
      },
      retryingRecord: () => {
        expect(snap().value).toEqual({ working: 'retryingRecord' });
        expect(record.pending()).toHaveLength(0);
      },
      backingOff: () => {
        expect(snap().value).toBe('backingOff');
        expect(lastStatus()).toMatchObject({ status: 'backingOff' });
        expect(deliver.pending()).toHaveLength(0);
      },
    },
    events: {
      DELIVER: async () => {
        child.send({ type: 'MAIL.DELIVER', draft });
        await tick();
      },
      LLM_FAILED: async () => {
        child.send({ type: 'MAIL.RECORD_FAILURE', draft: failedDraft() });
        await tick();
      },
      DELIVER_WHILE_BUSY: async () => {
        const calls = deliver.calls.length;
        child.send({ type: 'MAIL.DELIVER', draft });
        await tick();
        // queued, not started: one delivery at a time
        expect(deliver.calls.length).toBe(calls);
        expect(snap().context.queue).toHaveLength(1);
      },
      DELIVERY_SUCCEEDS: async () => {
        deliver.settle((c) => c.resolve(result(true)));
        await tick();
      },
      DELIVERY_FAILS: async () => {
        deliver.settle((c) => c.resolve(result(false)));
        await tick();
      },
      DELIVER_REJECTS: async () => {
        deliver.settle((c) => c.reject(new Error('engine went away')));
        await tick();
      },
      ROW_COMMITS: async () => {
        const before = counts();
        record.settle((c) => c.resolve({ at: '2026-03-03T08:14:09.000Z' }));
        await expectSettled(before, true);
      },
      STORE_REFUSES: async () => {
        const before = counts();
        const retries = snap().context.attempts + 1 < ATTEMPTS;
        record.settle((c) => c.reject(new Error('SQLITE_BUSY: database is locked')));
        if (retries) {
          await tick();
          expect(counts()).toEqual(before);
        } else {
          await expectSettled(before, false);
        }
      },
      RETRY_ELAPSES: async () => {
        clock.increment(500 * 2 ** snap().context.attempts);
        await tick();
      },
      BACKOFF_ELAPSES: async () => {
        const delay = Math.min(BASE * 2 ** (snap().context.backoffs - 1), CAP);
        clock.increment(delay - 1);
        await tick();
        expect(snap().value).toBe('backingOff');
        clock.increment(1);
        await tick();
      },
      TICK: async () => {
        clock.increment(1);
        await tick();
      },
    },
  };
}

describe('mailMachine (model-based)', () => {
  const testModel = createTestModel(model, {
    // the walker offers every event; only those the model enables (guards passing) are steps
    filterEvents: (snapshot, event) => snapshot.can(event),
    serializeTransition: (_state, event, prev) =>
      event ? ` via ${event.type} from ${JSON.stringify(prev?.value)}:${JSON.stringify(prev?.context)}` : '',
  });
  const paths = testModel.getShortestPaths();

  for (const path of paths) {
    it(path.description, async () => {
      const sut = createSut();
      // biome-ignore lint/suspicious/noExplicitAny: TestModel's executor types are keyed loosely
      await path.test({ states: sut.states as any, events: sut.events as any });
    });
  }

  afterAll(() => {
    // every state of the real machine was entered by some path
    expect([...visited].sort()).toEqual([...stateIds(mailMachine)].sort());
  });
});
