import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { anEvent, storeDialects } from './store-fixtures.js';

const dialects = await storeDialects();

describe.each(dialects)('event store batches on $name', (d) => {
  let store: Store;
  afterAll(() => d.cleanup());
  beforeEach(async () => {
    store = await openStore({ dbPath: await d.fresh() });
  });
  afterEach(() => store.close());

  it('writes a batch of one statement (up to 1,000 rows) all or nothing', async () => {
    const batch = Array.from({ length: 1000 }, () => anEvent());
    batch[700] = { ...batch[700]!, uuid: batch[3]!.uuid };
    await expect(store.events.recordEvents(batch)).rejects.toThrow();
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(0);
    await store.events.recordEvents(batch.slice(0, 700));
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(700);
  });

  it('writes a batch of several statements in one transaction, all or nothing', async () => {
    const batch = Array.from({ length: 2500 }, () => anEvent());
    batch[2400] = { ...batch[2400]!, uuid: batch[10]!.uuid };
    await expect(store.events.recordEvents(batch)).rejects.toThrow();
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(0);
    await store.events.recordEvents(batch.slice(0, 2400));
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(2400);
  });
});
