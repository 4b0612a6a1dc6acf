import { createActor, fromPromise, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { RunningDecky } from '../../../src/infra/store/inventory.port.js';
import type { DeckyReport } from '../../../src/machines/decky/decky.events.js';
import { deckyMachine } from '../../../src/machines/decky/decky.machine.js';
import type { ActionOutcome, PlantFileInput } from '../../../src/machines/decky/decky.types.js';

const DECKY: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.11', services: ['ssh'], source: 'fleet' };
const PLAN = { path: '/tmp/x', content: 'x\n' };
const flush = () => new Promise((r) => setImmediate(r));

function host(decky = deckyMachine) {
  const reports: DeckyReport[] = [];
  const harness = setup({ actors: { decky } }).createMachine({
    invoke: { src: 'decky', id: 'decky', input: { decky: DECKY } },
    on: { '*': { actions: ({ event }) => reports.push(event as DeckyReport) } },
  });
  const root = createActor(harness).start();
  return { reports, child: root.getSnapshot().children.decky! };
}

describe('deckyMachine', () => {
  it('when its driver actor was never provided, records a failed action naming it, and stays up', async () => {
    const { reports, child } = host();
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(reports).toContainEqual(
      expect.objectContaining({ type: 'DECKY.RECORD', draft: expect.objectContaining({ success: false, payload: { rc: null, error: 'not provided: plantFile' } }) }),
    );
    expect(child.getSnapshot().status).toBe('active');
  });

  it('uses the updated inventory row for its next action', async () => {
    const inputs: PlantFileInput[] = [];
    const decky = deckyMachine.provide({
      actors: {
        plantFile: fromPromise<ActionOutcome, PlantFileInput>(async ({ input }) => {
          inputs.push(input);
          return { kind: 'file', action: 'file:create', success: true, payload: {} };
        }),
      },
    });
    const { child } = host(decky);
    const renamed = { ...DECKY, name: 'web01b', ip: '10.0.0.99' };
    child.send({ type: 'DECKY.UPDATE', decky: renamed });
    child.send({ type: 'DECKY.PLANT_FILE', plan: PLAN });
    await flush();
    expect(inputs).toEqual([{ dst: renamed, plan: PLAN }]);
  });

  it('keeps a serialisable context: plain data only', () => {
    const { child } = host();
    const ctx = child.getSnapshot().context;
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
  });
});
