import { type AnyActorLogic, createActor, fromCallback, fromPromise, toPromise } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { ACTOR_GROUPS, isGroupId } from '../../../src/machines/emailgen/emailgen.group.js';
import { emailgenMachine } from '../../../src/machines/emailgen/emailgen.machine.js';
import type { EmailgenHeartbeat, LoadScopeInput, ScopeSnapshot } from '../../../src/machines/emailgen/emailgen.types.js';
import { mailMachine, type RecordedEmail } from '../../../src/machines/mail/mail.machine.js';
import type { DeliverInput, DeliveryResult, EmailRowDraft } from '../../../src/machines/mail/mail.types.js';
import { personaMachine } from '../../../src/machines/persona/persona.machine.js';
import type { GenerateInput, GenerationResult, LookupThreadInput, ThreadChoice } from '../../../src/machines/persona/persona.types.js';
import type { LogParams } from '../../../src/machines/worker/worker.types.js';
import { mailDecky, persona } from '../../builders/emailgen.builders.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const SCOPE: ScopeSnapshot = {
  mailDeckies: [{ decky: mailDecky(), personas: [persona({ email: 'alice@acme.example' }), persona({ email: 'bob@acme.example' })] }],
  running: 1,
  at: '2026-03-03T10:00:00.000Z',
};
let n = 0;
const lookupThread = fromPromise<ThreadChoice, LookupThreadInput>(async () => ({
  threadId: `t-${++n}`,
  emailId: `e-${n}`,
  parent: null,
  at: new Date().toISOString(),
}));
const okGenerate = fromPromise<GenerationResult, GenerateInput>(async () => ({
  success: true,
  text: 'Subject: Hi\n\nHello there.',
  model: 'm',
  latencyMs: 1,
  at: new Date().toISOString(),
}));
const deliver = fromPromise<DeliveryResult, DeliverInput>(async ({ input }) => ({
  success: true,
  messageId: `<${input.draft.emailId}@acme.example>`,
  emlPath: `/spool/${input.draft.threadId}/x.eml`,
  bytes: 10,
  container: 'mail01-imap',
  rc: 0,
  durationMs: 1,
}));

function build(
  opts: {
    generate?: typeof okGenerate;
    persona?: typeof personaMachine;
    personaLogic?: AnyActorLogic;
    loadScope?: () => Promise<ScopeSnapshot>;
  } = {},
) {
  const logs: LogParams[] = [];
  const beats: EmailgenHeartbeat[] = [];
  const rows: EmailRowDraft[] = [];
  const persona = (opts.personaLogic ??
    (opts.persona ?? personaMachine).provide({ actors: { lookupThread, generate: opts.generate ?? okGenerate } })) as typeof personaMachine;
  const machine = emailgenMachine.provide({
    actors: {
      persona,
      mail: mailMachine.provide({
        actors: {
          deliver,
          recordEmail: fromPromise<RecordedEmail, EmailRowDraft>(async ({ input }) => {
            rows.push(input);
            return { at: new Date().toISOString() };
          }),
        },
      }),
      loadScope: fromPromise<ScopeSnapshot, LoadScopeInput>(opts.loadScope ?? (async () => ({ ...SCOPE, at: new Date().toISOString() }))),
      pruneEmails: fromPromise<number>(async () => 7),
      discovery: fromCallback(({ sendBack }) => sendBack({ type: 'DISCOVERY.SYNCED' })),
    },
    actions: {
      log: (_, p) => logs.push(p),
      publishHeartbeat: (_, p) => beats.push(p),
    },
    delays: { heartbeatInterval: 5 },
  });
  return { machine, logs, beats, rows };
}

const visited = new Set<string>();

describe('emailgenMachine', () => {
  it('after --ticks N, waits for the in-flight emails, then ends with what it did', async () => {
    const { machine, rows, beats } = build();
    const actor = createActor(machine, { input: { intervalMs: 3, ticks: 5, seed: 3, persona: { meanGapMs: 0 } } });
    trackStates(emailgenMachine, actor, visited);
    actor.start();
    const out = await toPromise(actor);
    expect(out).toMatchObject({ reason: 'ticks', ticks: 5, abandoned: 0, lost: 0 });
    expect(out.asked).toBeGreaterThan(0);
    expect(out.delivered + out.failed).toBe(out.asked);
    expect(rows).toHaveLength(out.asked);
    expect(beats[0]).toMatchObject({ actors: { mailDeckies: 0, personas: 0 } });
    expect(beats.some((b) => b.actors.mailDeckies === 1 && b.actors.personas === 2)).toBe(true);
  });

  it('enacts its groups’ reports outside any custom action, so xstate never warns, and delivers as before', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const { machine, rows } = build();
      const out = await toPromise(createActor(machine, { input: { intervalMs: 3, ticks: 5, seed: 3, persona: { meanGapMs: 0 } } }).start());
      expect(out).toMatchObject({ reason: 'ticks', ticks: 5, abandoned: 0, lost: 0, failed: 0 });
      expect(out.delivered).toBe(out.asked);
      expect(rows).toHaveLength(out.asked);
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('Custom actions should not call'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('prunes every pruneEveryTicks ticks and keeps going', async () => {
    const { machine, logs } = build();
    const actor = createActor(machine, { input: { intervalMs: 2, ticks: 5, seed: 1, pruneEveryTicks: 2, persona: { meanGapMs: 0 } } });
    trackStates(emailgenMachine, actor, visited);
    actor.start();
    await toPromise(actor);
    expect(logs.filter((l) => l.msg === 'emails pruned')).toHaveLength(2);
  });

  it('on stop, abandons the emails stuck in the LLM once the drain bound passes', async () => {
    const hang = fromPromise<GenerationResult, GenerateInput>(() => new Promise(() => {}));
    const { machine, logs } = build({ generate: hang });
    const actor = createActor(machine, { input: { intervalMs: 2, seed: 2, drainTimeoutMs: 30, persona: { meanGapMs: 0 } } });
    trackStates(emailgenMachine, actor, visited);
    actor.start();
    while (actor.getSnapshot().context.asked === 0) await new Promise((r) => setTimeout(r, 5));
    actor.send({ type: 'EMAILGEN.STOP', reason: 'signal' });
    const out = await toPromise(actor);
    // every persona asked is still waiting on the LLM: each is one abandoned email
    expect(out.reason).toBe('signal');
    expect(out.asked).toBeGreaterThan(0);
    expect(out.abandoned).toBe(out.asked);
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(logs.some((l) => l.msg.startsWith('drain bound passed'))).toBe(true);
  });

  it('survives a persona actor that crashes: logs it, respawns it at the next scope read, keeps ticking', async () => {
    let crashes = 0;
    const fragile = personaMachine.provide({
      actions: {
        reportStatus: () => {
          crashes += 1;
          throw new Error('persona exploded');
        },
      },
    });
    const { machine, logs } = build({ persona: fragile });
    const actor = createActor(machine, { input: { intervalMs: 2, ticks: 4, seed: 5, persona: { meanGapMs: 0 } } });
    actor.start();
    const out = await toPromise(actor);
    expect(out).toMatchObject({ reason: 'ticks', ticks: 4 });
    expect(crashes).toBeGreaterThan(2);
    expect(logs.filter((l) => l.level === 'error' && l.msg.startsWith('child actor failed')).length).toBeGreaterThan(2);
  });

  it('starts ticking on the inventory when discovery fails, and says so', async () => {
    const { machine, logs } = build();
    const broken = machine.provide({
      actors: {
        discovery: fromCallback(() => {
          throw new Error('no engine');
        }),
      },
      delays: { discoveryBackoff: 1 },
    });
    const actor = createActor(broken, { input: { intervalMs: 2, ticks: 2, seed: 1, persona: { meanGapMs: 0 } } });
    trackStates(emailgenMachine, actor, visited);
    actor.start();
    const out = await toPromise(actor);
    expect(out.ticks).toBe(2);
    expect(logs.some((l) => l.msg === 'discovery actor failed; restarting')).toBe(true);
  });

  it('hosts 2,000 persona actors in groups, so no children map grows with them, and stops them all', async () => {
    const pool = Array.from({ length: 10 }, (_, i) => persona({ email: `p${i}@acme.example` }));
    const scope = {
      mailDeckies: Array.from({ length: 200 }, (_, i) => ({ decky: mailDecky(`mail${i}`), personas: pool })),
      running: 200,
      at: SCOPE.at,
    };
    // stand-in personas that only count themselves: the groups live in systems of their own
    const live = new Set<string>();
    const counted = fromCallback(({ self }) => {
      live.add(self.id);
      return () => live.delete(self.id);
    });
    const { machine } = build({ personaLogic: counted, loadScope: async () => ({ ...scope, at: new Date().toISOString() }) });
    const actor = createActor(machine, { input: { intervalMs: 60_000, seed: 9, persona: { meanGapMs: 0 } } });
    actor.start();
    while (live.size < 2_000) await new Promise((r) => setTimeout(r, 5));
    expect([...live].sort()).toEqual(Object.keys(actor.getSnapshot().context.personaStatus).sort());
    const children = Object.keys(actor.getSnapshot().children);
    expect(children.some((id) => id.startsWith('persona:') || id.startsWith('mail:'))).toBe(false);
    expect(children.filter(isGroupId).length).toBeGreaterThan(ACTOR_GROUPS / 2);
    expect(children.length).toBeLessThanOrEqual(ACTOR_GROUPS + 3);
    actor.send({ type: 'EMAILGEN.STOP', reason: 'signal' });
    await expect(toPromise(actor)).resolves.toMatchObject({ reason: 'signal', abandoned: 0 });
    expect(live.size).toBe(0);
  }, 30_000);

  it('visits every state of the supervisor across these runs', () => {
    expect([...visited].sort()).toEqual([...stateIds(emailgenMachine)].sort());
  });
});
