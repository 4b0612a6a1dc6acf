import { createActor, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { type DeckyCalls, deckyDriver } from '../../../src/actors/drivers/decky-driver.actor.js';
import { DRIVER_ID } from '../../../src/machines/decky/decky.types.js';
import type { DeckyReport } from '../../../src/machines/decky/decky.events.js';
import { deckyMachine } from '../../../src/machines/decky/decky.machine.js';
import type { ActionOutcome, PlantFileInput } from '../../../src/machines/decky/decky.types.js';

const DECKY: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.11', services: ['ssh'], source: 'fleet' };
const PLAN = { path: '/tmp/x', content: 'x\n' };
const flush = () => new Promise((r) => setImmediate(r));
const FILE_OK: ActionOutcome = { kind: 'file', action: 'file:create', success: true, payload: {} };
// calls nothing provides: any action a test did not script fails, naming what is missing
const unprovidedCalls: DeckyCalls = {
  sendTraffic: () => Promise.reject(new Error('not provided: sendTraffic')),
  plantFile: () => Promise.reject(new Error('not provided: plantFile')),
};

// a decky under a parent that keeps its reports, next to the system's driver (null: no driver)
function host(calls: DeckyCalls | null = unprovidedCalls) {
  const reports: DeckyReport[] = [];
  const harness = setup({ actors: { decky: deckyMachine, driver: deckyDriver(calls ?? unprovidedCalls) } }).createMachine({
    invoke: [
      { src: 'decky', id: 'decky', input: { decky: DECKY } },
      ...(calls ? [{ src: 'driver' as const, id: 'driver', systemId: DRIVER_ID }] : []),
    ],
    on: { '*': { actions: ({ event }) => reports.push(event as DeckyReport) } },
  });
  const root = createActor(harness).start();
  return { reports, root, child: root.getSnapshot().children.decky! };
}

const records = (reports: DeckyReport[]) => reports.filter((r) => r.type !== 'DECKY.AVAILABILITY');

describe('deckyMachine', () => {
  it('when its runtime provided no calls, records a failed action naming the missing one, and stays up', async () => {
    const { reports, child } = host();
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(reports).toContainEqual(
      expect.objectContaining({
        type: 'DECKY.RECORD',
        draft: expect.objectContaining({ success: false, payload: { rc: null, error: 'not provided: plantFile' } }),
      }),
    );
    expect(child.getSnapshot().status).toBe('active');
  });

  it('when its system has no driver at all, records a failed action naming it, and stays up', async () => {
    const { reports, child } = host(null);
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(records(reports)).toEqual([
      expect.objectContaining({
        type: 'DECKY.RECORD',
        status: 'idle',
        draft: expect.objectContaining({ success: false, payload: { rc: null, error: `not provided: ${DRIVER_ID}` } }),
      }),
    ]);
    expect(child.getSnapshot().value).toBe('idle');
  });

  it('uses the updated inventory row for its next action', async () => {
    const inputs: PlantFileInput[] = [];
    const { child } = host({
      ...unprovidedCalls,
      plantFile: async (input) => {
        inputs.push(input);
        return FILE_OK;
      },
    });
    const renamed = { ...DECKY, name: 'web01b', ip: '10.0.0.99' };
    child.send({ type: 'DECKY.UPDATE', decky: renamed });
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(inputs).toEqual([{ dst: renamed, plan: PLAN }]);
  });

  it('runs its actions through the system driver, a signal per call, aborted when the decky stops', async () => {
    const signals: AbortSignal[] = [];
    let answer: ((o: ActionOutcome) => void) | undefined;
    const { reports, root, child } = host({
      ...unprovidedCalls,
      plantFile: (_input, signal) =>
        new Promise<ActionOutcome>((resolve) => {
          signals.push(signal);
          answer = resolve;
        }),
    });
    // the decky spawns nothing per action: the driver is its parent's
    expect(Object.keys(child.getSnapshot().children)).toEqual([]);
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    answer!(FILE_OK);
    await flush();
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(records(reports)).toHaveLength(1);
    expect(signals).toHaveLength(2);
    const before = reports.length;
    root.stop();
    // the finished call's signal is never aborted; the one under way is
    expect(signals.map((s) => s.aborted)).toEqual([false, true]);
    // an answer after the stop goes nowhere
    answer!(FILE_OK);
    await flush();
    expect(reports).toHaveLength(before);
  });

  it('takes a driver call that throws before it returns a promise as a failed action', async () => {
    const { reports, child } = host({
      ...unprovidedCalls,
      plantFile: () => {
        throw new Error('bad "path"; rm -rf /');
      },
    });
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(records(reports)).toEqual([
      expect.objectContaining({
        type: 'DECKY.RECORD',
        status: 'idle',
        draft: expect.objectContaining({ success: false, payload: { rc: null, error: 'bad "path"; rm -rf /' } }),
      }),
    ]);
    expect(child.getSnapshot().value).toBe('idle');
  });

  it('keeps a serialisable context: plain data only', () => {
    const { child } = host();
    const ctx = child.getSnapshot().context;
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
  });
});
