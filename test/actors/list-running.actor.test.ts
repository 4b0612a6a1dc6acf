import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createListRunningLogic } from '../../src/actors/list-running.actor.js';
import type { InventoryPort } from '../../src/infra/store/inventory.port.js';
import type { RunningDecky } from '../../src/domain/decky.js';

const decky: RunningDecky = { uuid: 'local:a', name: 'a', ip: '10.0.0.1', services: ['ssh'], source: 'fleet' };

function counting(): InventoryPort & { reads: number } {
  const inv = {
    reads: 0,
    async listRunningDeckies() {
      inv.reads += 1;
      return [decky];
    },
    reconcileHost: async () => {
      throw new Error('not implemented: reconcileHost');
    },
  };
  return inv;
}

const read = (logic: ReturnType<typeof createListRunningLogic>, reason: 'sync' | 'tick') =>
  toPromise(createActor(logic, { input: { reason } }).start());

describe('listRunning actor › reusing a recent read on ticks', () => {
  it('reads on every tick by default', async () => {
    const inv = counting();
    const logic = createListRunningLogic({ inventory: inv });
    await read(logic, 'tick');
    const second = await read(logic, 'tick');
    expect(inv.reads).toBe(2);
    expect(second.fresh).toBeUndefined();
  });

  it('with tickMaxAgeMs, a tick reuses the last read and says so, while a sync always reads', async () => {
    const inv = counting();
    const logic = createListRunningLogic({ inventory: inv, tickMaxAgeMs: 60_000 });
    await read(logic, 'sync');
    const tick = await read(logic, 'tick');
    expect(inv.reads).toBe(1);
    expect(tick).toMatchObject({ deckies: [decky], fresh: false });
    await read(logic, 'sync');
    expect(inv.reads).toBe(2);
  });

  it('reads again once the last read is older than the bound', async () => {
    const inv = counting();
    const logic = createListRunningLogic({ inventory: inv, tickMaxAgeMs: 5 });
    await read(logic, 'tick');
    await new Promise((r) => setTimeout(r, 20));
    await read(logic, 'tick');
    expect(inv.reads).toBe(2);
  });
});
