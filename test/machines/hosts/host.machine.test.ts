import { type AnyActorLogic, type AnyEventObject, assign, createActor, fromCallback, fromPromise, SimulatedClock, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { hostMachine } from '../../../src/machines/hosts/host.machine.js';
import { hostRetryDelay, type ProbeResult } from '../../../src/machines/hosts/host.types.js';
import { stateIds, trackStates } from '../../support/state-coverage.js';

const HOST = { uuid: 'h-1', name: 'edge-1' };

/** A scripted world for one host actor: what the engine answers, what the store saw. */
function world() {
  const w = {
    answers: true,
    probes: 0,
    marksOnline: 0,
    marksUnreachable: [] as string[],
    discoveries: 0,
    discoveryRunning: false,
    report: undefined as ((e: AnyEventObject) => void) | undefined,
  };
  const logic = hostMachine.provide({
    actors: {
      probe: fromPromise<ProbeResult, { hostUuid: string }>(async () => {
        w.probes++;
        return w.answers ? { ok: true } : { ok: false, reason: 'connect ECONNREFUSED' };
      }),
      discovery: fromCallback(({ sendBack }) => {
        w.discoveries++;
        w.discoveryRunning = true;
        w.report = sendBack;
        return () => {
          w.discoveryRunning = false;
        };
      }),
      markOnline: fromPromise(async () => {
        w.marksOnline++;
      }),
      markUnreachable: fromPromise<number, { hostUuid: string; reason: string }>(async ({ input }) => {
        w.marksUnreachable.push(input.reason);
        return 1;
      }),
    },
    actions: { log: () => {} },
    delays: { livenessInterval: 1_000, retryBackoff: ({ context }) => hostRetryDelay(context.failures, 100, 400) },
  });
  return { w, logic };
}

/** A parent that records what the host actor sends up. */
function parentOf(logic: AnyActorLogic) {
  return setup({ actors: { host: logic }, types: { context: {} as { got: AnyEventObject[] } } }).createMachine({
    context: { got: [] },
    invoke: { src: 'host', id: 'host', input: { host: HOST, resyncMs: 30_000 } },
    on: { '*': { actions: assign({ got: ({ context, event }) => [...context.got, event] }) } },
  });
}

const flush = () => new Promise((r) => setTimeout(r, 0));
// every state any test of this file passed through; the last test checks nothing was missed
const covered = new Set<string>();

async function rig() {
  const { w, logic } = world();
  const clock = new SimulatedClock();
  const parent = createActor(parentOf(logic), { clock });
  parent.start();
  const host = parent.getSnapshot().children.host!;
  trackStates(hostMachine, host, covered);
  await flush();
  const state = () => JSON.stringify(host.getSnapshot().value);
  const got = () => parent.getSnapshot().context.got;
  const advance = async (ms: number) => {
    clock.increment(ms);
    await flush();
    await flush();
  };
  return { w, clock, parent, host, state, got, advance };
}

describe('hostMachine', () => {
  it('probes first and, when the engine answers, runs discovery and records the host online', async () => {
    const r = await rig();
    expect(r.state()).toContain('online');
    expect(r.w).toMatchObject({ probes: 1, discoveries: 1, marksOnline: 1, discoveryRunning: true });
  });

  it('forwards discovery reports to its parent unchanged', async () => {
    const r = await rig();
    r.w.report?.({ type: 'DISCOVERY.SYNCED', hostUuid: HOST.uuid, running: 2, deckies: 2 });
    await flush();
    expect(r.got()).toContainEqual({ type: 'DISCOVERY.SYNCED', hostUuid: HOST.uuid, running: 2, deckies: 2 });
  });

  it('when the engine stops answering: stops discovery, takes its deckies out once, and retries with a growing backoff', async () => {
    const r = await rig();
    r.w.answers = false;
    r.w.report?.({ type: 'DISCOVERY.DEGRADED', hostUuid: HOST.uuid, reason: 'docker event stream ended' });
    await flush();
    await flush();
    expect(r.state()).toContain('unreachable');
    expect(r.w.discoveryRunning).toBe(false);
    expect(r.w.marksUnreachable).toEqual(['connect ECONNREFUSED']);
    // the supervisor is told to re-read the running set
    expect(r.got()).toContainEqual({ type: 'DISCOVERY.SYNCED', hostUuid: HOST.uuid, running: 0, deckies: 0 });
    const probesAt = (ms: number) => r.advance(ms).then(() => r.w.probes);
    const before = r.w.probes;
    expect(await probesAt(99)).toBe(before); // first retry after 100 ms
    expect(await probesAt(1)).toBe(before + 1);
    expect(await probesAt(199)).toBe(before + 1); // then 200 ms
    expect(await probesAt(1)).toBe(before + 2);
    expect(await probesAt(400)).toBe(before + 3); // then the 400 ms cap
    expect(await probesAt(400)).toBe(before + 4);
    expect(r.w.marksUnreachable).toHaveLength(1);

    r.w.answers = true;
    await r.advance(400);
    expect(r.state()).toContain('online');
    expect(r.w).toMatchObject({ discoveries: 2, marksOnline: 2, discoveryRunning: true });
    expect(r.host.getSnapshot().context).toMatchObject({ failures: 0, deckiesOut: false });
  });

  it('goes back to watching when discovery degraded but the engine still answers', async () => {
    const r = await rig();
    r.w.report?.({ type: 'DISCOVERY.DEGRADED', hostUuid: HOST.uuid, reason: 'stream hiccup' });
    await flush();
    await flush();
    expect(r.state()).toContain('online');
    expect(r.w.discoveries).toBe(2);
    expect(r.w.marksUnreachable).toEqual([]);
  });

  it('notices a silent engine with its liveness probe', async () => {
    const r = await rig();
    r.w.answers = false;
    await r.advance(1_000);
    expect(r.state()).toContain('unreachable');
    expect(r.w.marksUnreachable).toEqual(['connect ECONNREFUSED']);
  });

  it('starts unreachable when the engine does not answer at all, without discovering anything', async () => {
    const { w, logic } = world();
    w.answers = false;
    const parent = createActor(parentOf(logic), { clock: new SimulatedClock() });
    parent.start();
    trackStates(hostMachine, parent.getSnapshot().children.host!, covered);
    await flush();
    await flush();
    expect(JSON.stringify(parent.getSnapshot().children.host!.getSnapshot().value)).toContain('unreachable');
    expect(w).toMatchObject({ discoveries: 0, marksOnline: 0, marksUnreachable: ['connect ECONNREFUSED'] });
  });

  it('has passed through every one of its states in the tests above', () => {
    // `deciding` is transient (left in the step that enters it), so no snapshot ever shows it
    const transient = ['host.unreachable.deciding'];
    expect([...stateIds(hostMachine)].filter((id) => !covered.has(id) && !transient.includes(id))).toEqual([]);
  });
});
