import { assign, createActor, createMachine, fromCallback, fromPromise, SimulatedClock, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmailDraft, FailedDraft, MailCommand } from '../../../src/machines/mail/mail.events.js';
import { mailActorId } from '../../../src/machines/mail/mail.events.js';
import type { PersonaReport } from '../../../src/machines/persona/persona.events.js';
import { personaMachine } from '../../../src/machines/persona/persona.machine.js';
import type { GenerateInput, GenerationResult, LookupThreadInput, ThreadChoice } from '../../../src/machines/persona/persona.types.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const DECKY = mailDecky();
const ALICE = persona({
  email: 'alice@acme.example',
  name: 'Alice Martin',
  mannerisms: ['opens with a question', 'writes in short paragraphs', 'signs off with initials'],
});
const BOB = persona({ email: 'bob@acme.example', name: 'Bob Stone' });
const CAROL = persona({ email: 'carol@acme.example', name: 'Carol Diaz' });
const START = Date.parse('2026-03-03T10:00:00Z');
const PARENT = {
  messageId: '<p2@acme.example>',
  threadId: '7d3e0a1b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
  subject: 'RE: re: Budget review',
  excerpt: 'Could you send the figures?',
  references: ['<p0@acme.example>', '<p1@acme.example>', '<p2@acme.example>'],
};
const LLM_TEXT = 'Sure, here is the email:\n\nSubject: Budget figures\n\nHi Bob — quick one: are the figures ready?\n\nA.';

type M = { onHours: boolean; reply: boolean };
const stay = { actions: () => undefined };
const busy = { ASKED_WHILE_BUSY: stay };

/**
 * The abstract model of one persona's behaviour, as an operator describes it. On the human
 * process (`density`) its own deadline already follows its hours: a deadline that fell off hours
 * is a late email, never a rest.
 */
function personaModel(density: boolean) {
  return createMachine({
    id: 'personaModel',
    context: { onHours: true, reply: false } as M,
    initial: 'waiting',
    states: {
      waiting: {
        on: {
          ASKED: [{ guard: ({ context }) => context.onHours, target: 'choosingThread' }],
          ASKED_WHILE_INACTIVE: [{ guard: ({ context }) => !context.onHours, ...stay }],
          OWN_DEADLINE: density
            ? [{ target: 'choosingThread' }]
            : [{ guard: ({ context }) => context.onHours, target: 'choosingThread' }, { target: 'resting' }],
          GOES_OFF_HOURS: [{ guard: ({ context }) => context.onHours, actions: assign({ onHours: false }) }],
        },
      },
      resting: {
        on: {
          ASKED_WHILE_INACTIVE: stay,
          REST_ENDS: { target: 'waiting', actions: assign({ onHours: true }) },
        },
      },
      choosingThread: {
        on: {
          ...busy,
          THREAD_IS_NEW: { target: 'generating', actions: assign({ reply: false }) },
          THREAD_IS_REPLY: { target: 'generating', actions: assign({ reply: true }) },
          LOOKUP_FAILS: 'waiting',
        },
      },
      generating: {
        on: { ...busy, LLM_WRITES: 'handingOff', LLM_FAILS: 'handingOff', LLM_TIMES_OUT: 'handingOff', LLM_WRITES_NOTHING: 'handingOff' },
      },
      handingOff: { on: { ...busy, MAIL_SETTLES: 'waiting', HANDOFF_TIMES_OUT: 'waiting' } },
    },
  });
}

function pendingPromise<I, O>() {
  const calls: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void; settled: boolean }[] = [];
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
const iso = (ms: number) => new Date(ms).toISOString();
const visited = new Set<string>();

function createSut(tuning: { meanGapMs: number } | { emailsPerDay: number }) {
  const lookup = pendingPromise<LookupThreadInput, ThreadChoice>();
  const generate = pendingPromise<GenerateInput, GenerationResult>();
  const clock = new SimulatedClock();
  const reports: PersonaReport[] = [];
  const mailbox: MailCommand[] = [];
  const p = personaMachine.provide({ actors: { lookupThread: lookup.logic, generate: generate.logic } });
  const harness = setup({
    actors: { p, mailStub: fromCallback(({ receive }) => receive((e) => mailbox.push(e as MailCommand))) },
  }).createMachine({
    invoke: [
      { src: 'mailStub', systemId: mailActorId(DECKY.uuid) },
      {
        src: 'p',
        id: 'persona',
        input: {
          mailDecky: DECKY,
          persona: ALICE,
          peers: [ALICE, BOB, CAROL],
          at: iso(START),
          seed: 7,
          ...tuning,
          replyProbability: 0.5,
          handOffTimeoutMs: 60_000,
        },
      },
    ],
    on: { '*': { actions: ({ event }) => reports.push(event as PersonaReport) } },
  });
  const root = createActor(harness, { clock }).start();
  const child = root.getSnapshot().children.persona!;
  trackStates(personaMachine, child, visited);
  const snap = () => child.getSnapshot() as ReturnType<typeof personaMachine.getInitialSnapshot>;
  const lastStatus = () => reports.at(-1);
  const now = () => snap().context.clock;
  let lastReply = false;

  const handOffs = () => mailbox.filter((m) => m.type === 'MAIL.DELIVER' || m.type === 'MAIL.RECORD_FAILURE');
  async function expectFailureHandOff(timedOut: boolean) {
    await tick();
    const last = handOffs().at(-1);
    expect(last?.type).toBe('MAIL.RECORD_FAILURE');
    const d = last!.draft as FailedDraft;
    expect(d).toMatchObject({ jobId: snap().context.compose?.jobId, replyTo: snap().context.id, timedOut, from: { email: ALICE.email } });
    expect(d.error.length).toBeGreaterThan(0);
  }
  async function refusedWith(status: string, at: number) {
    const before = reports.length;
    child.send({ type: 'PERSONA.COMPOSE', at: iso(at), recipient: BOB });
    await tick();
    expect(reports.slice(before)).toEqual([expect.objectContaining({ type: 'PERSONA.STATUS', status, note: expect.any(String) })]);
  }

  return {
    states: {
      waiting: () => {
        expect(snap().value).toBe('waiting');
        expect(lastStatus()).toMatchObject({ status: 'waiting', id: `persona:${DECKY.uuid}:${ALICE.email}` });
        // its own deadline lies ahead, never behind its clock
        expect(snap().context.nextWriteAt).toBeGreaterThan(snap().context.clock);
        expect(lookup.pending().length + generate.pending().length).toBe(0);
      },
      resting: () => {
        expect(snap().value).toBe('resting');
        expect(lastStatus()).toMatchObject({ status: 'resting' });
        expect(snap().context.restUntil).toBeGreaterThan(snap().context.clock);
      },
      choosingThread: () => {
        expect(snap().value).toEqual({ composing: 'choosingThread' });
        expect(lastStatus()).toMatchObject({ status: 'composing' });
        const c = lookup.pending()[0]!;
        expect(c.input).toMatchObject({ mailDeckyUuid: DECKY.uuid, sender: ALICE.email });
        expect([BOB.email, CAROL.email]).toContain(c.input.recipient);
      },
      generating: ({ context }: { context: M }) => {
        expect(snap().value).toEqual({ composing: 'generating' });
        const prompt = generate.pending()[0]!.input.prompt;
        expect(prompt).toContain('in English');
        expect(prompt).toContain('Never use em-dashes');
        for (const m of snap().context.compose!.mannerisms) expect(prompt).toContain(`- ${m}`);
        expect(snap().context.compose!.mannerisms).toHaveLength(2);
        if (context.reply) expect(prompt).toContain('The subject line must be exactly: Re: Budget review');
        else expect(prompt).toContain('This is a new thread');
      },
      handingOff: () => {
        expect(snap().value).toBe('handingOff');
        expect(lastStatus()).toMatchObject({ status: 'handingOff' });
        expect(handOffs().at(-1)?.draft.jobId).toBe(snap().context.compose?.jobId);
      },
    },
    events: {
      ASKED: async () => {
        child.send({ type: 'PERSONA.COMPOSE', at: iso(now() + 1000), recipient: BOB });
        await tick();
      },
      ASKED_WHILE_INACTIVE: () => refusedWith(snap().value === 'resting' ? 'resting' : 'waiting', now()),
      ASKED_WHILE_BUSY: async () => {
        const calls = lookup.calls.length + generate.calls.length;
        const status = snap().value === 'handingOff' ? 'handingOff' : 'composing';
        await refusedWith(status, now());
        expect(lookup.calls.length + generate.calls.length).toBe(calls);
      },
      GOES_OFF_HOURS: async () => {
        // a one-hour window starting an hour after its next deadline: off hours at the deadline
        const d = new Date(snap().context.nextWriteAt + 3_600_000);
        const hh = (h: number) => String(h % 24).padStart(2, '0');
        const mm = String(d.getUTCMinutes()).padStart(2, '0');
        const hours = `${hh(d.getUTCHours())}:${mm}-${hh(d.getUTCHours() + 1)}:${mm}`;
        child.send({ type: 'PERSONA.UPDATE', at: iso(now()), persona: { ...ALICE, active_hours: hours }, peers: [ALICE, BOB, CAROL] });
        await tick();
      },
      OWN_DEADLINE: async () => {
        const ctx = snap().context;
        clock.increment(ctx.nextWriteAt - ctx.clock - 1);
        await tick();
        expect(snap().value).toBe('waiting');
        clock.increment(1);
        await tick();
      },
      REST_ENDS: async () => {
        const ctx = snap().context;
        clock.increment((ctx.restUntil ?? 0) - ctx.clock);
        await tick();
        expect(snap().value).toBe('waiting');
        // back on regular hours for the rest of the path
        child.send({ type: 'PERSONA.UPDATE', at: iso(now()), persona: ALICE, peers: [ALICE, BOB, CAROL] });
        await tick();
      },
      THREAD_IS_NEW: async () => {
        lastReply = false;
        lookup.settle((c) =>
          c.resolve({ threadId: '0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b', emailId: 'e-1', parent: null, at: iso(now() + 10) }),
        );
        await tick();
      },
      THREAD_IS_REPLY: async () => {
        lastReply = true;
        lookup.settle((c) => c.resolve({ threadId: PARENT.threadId, emailId: 'e-2', parent: PARENT, at: iso(now() + 10) }));
        await tick();
      },
      LOOKUP_FAILS: async () => {
        const failed = snap().context.failed;
        lookup.settle((c) => c.reject(new Error('database is locked')));
        await tick();
        expect(snap().context.failed).toBe(failed + 1);
        expect(reports.some((r) => r.note?.includes('thread lookup failed'))).toBe(true);
      },
      LLM_WRITES: async () => {
        generate.settle((c) => c.resolve({ success: true, text: LLM_TEXT, model: 'llama3.1', latencyMs: 900, at: iso(now() + 900) }));
        await tick();
        const last = handOffs().at(-1)!;
        expect(last.type).toBe('MAIL.DELIVER');
        const d = last.draft as EmailDraft;
        expect(d).toMatchObject({
          from: { email: ALICE.email, name: ALICE.name },
          language: 'en',
          timezone: 'UTC',
          model: 'llama3.1',
          generationMs: 900,
        });
        // the preamble went, and em-dashes never reach a persona that does not use LLMs heavily
        expect(d.body).toBe('Hi Bob, quick one: are the figures ready?\n\nA.');
        if (lastReply) {
          expect(d).toMatchObject({
            threadId: PARENT.threadId,
            inReplyTo: PARENT.messageId,
            references: PARENT.references,
            subject: 'Re: Budget review',
          });
        } else {
          expect(d).toMatchObject({
            threadId: '0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b',
            inReplyTo: null,
            references: [],
            subject: 'Budget figures',
          });
        }
      },
      LLM_FAILS: async () => {
        generate.settle((c) =>
          c.resolve({ success: false, text: '', model: 'llama3.1', latencyMs: 5, error: 'HTTP 500: boom', at: iso(now() + 5) }),
        );
        await expectFailureHandOff(false);
      },
      LLM_TIMES_OUT: async () => {
        generate.settle((c) => c.reject(Object.assign(new Error('LLM llama3.1 did not answer within 60000 ms'), { code: 'LLM_TIMEOUT' })));
        await expectFailureHandOff(true);
      },
      LLM_WRITES_NOTHING: async () => {
        generate.settle((c) => c.resolve({ success: true, text: '```\n```', model: 'llama3.1', latencyMs: 5, at: iso(now() + 5) }));
        await expectFailureHandOff(false);
      },
      MAIL_SETTLES: async () => {
        const jobId = snap().context.compose!.jobId;
        // an answer to another job is not this one's
        child.send({ type: 'MAIL.SETTLED', jobId: 'other#1', success: true, stage: 'delivered', at: iso(now()) });
        await tick();
        expect(snap().value).toBe('handingOff');
        child.send({ type: 'MAIL.SETTLED', jobId, success: true, stage: 'delivered', at: iso(now() + 50) });
        await tick();
      },
      HANDOFF_TIMES_OUT: async () => {
        clock.increment(60_000);
        await tick();
      },
    },
  };
}

describe('personaMachine (model-based)', () => {
  describe.each([
    { schedule: 'the legacy mean gap', density: false, tuning: { meanGapMs: 120_000 } },
    { schedule: 'the human process', density: true, tuning: { emailsPerDay: 40 } },
  ])('on $schedule', ({ density, tuning }) => {
    const testModel = createTestModel(personaModel(density), {
      // the walker offers every event; only those the model enables (guards passing) are steps
      filterEvents: (snapshot, event) => snapshot.can(event),
      serializeTransition: (_state, event, prev) =>
        event ? ` via ${event.type} from ${JSON.stringify(prev?.value)}:${JSON.stringify(prev?.context)}` : '',
    });
    for (const path of testModel.getShortestPaths()) {
      it(path.description, async () => {
        const sut = createSut(tuning);
        // biome-ignore lint/suspicious/noExplicitAny: TestModel's executor types are keyed loosely
        await path.test({ states: sut.states as any, events: sut.events as any });
      });
    }
  });

  afterAll(() => {
    expect([...visited].sort()).toEqual([...stateIds(personaMachine)].sort());
  });
});
