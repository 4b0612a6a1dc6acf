import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { type StoreDialect, storeDialects } from './store-fixtures.js';

const AT = new Date('2025-03-01T10:00:00Z');

describe.each(await storeDialects())('decky_backfills on $name', (d: StoreDialect) => {
  afterAll(() => d.cleanup());

  it('answers null for a decky never tried, then the recorded outcome', async () => {
    const store = await openStore({ dbPath: await d.fresh() });
    try {
      expect(await store.backfills.getBackfill('local:web01', 'files')).toBeNull();
      const rec = await store.backfills.recordBackfill({
        deckyUuid: 'local:web01',
        kind: 'files',
        status: 'done',
        at: AT,
        items: 12,
        failures: 1,
        detail: null,
      });
      expect(rec).toEqual({
        deckyUuid: 'local:web01',
        kind: 'files',
        status: 'done',
        at: AT,
        attempts: 1,
        items: 12,
        failures: 1,
        detail: null,
      });
      expect(await store.backfills.getBackfill('local:web01', 'files')).toEqual(rec);
      // the kinds are apart: files done says nothing about emails
      expect(await store.backfills.getBackfill('local:web01', 'emails')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('counts attempts up across outcomes and survives a reopen', async () => {
    const db = await d.fresh();
    const first = await openStore({ dbPath: db });
    await first.backfills.recordBackfill({
      deckyUuid: 'local:mail01',
      kind: 'emails',
      status: 'failed',
      at: AT,
      items: 0,
      failures: 5,
      detail: 'LLM down',
    });
    await first.close();
    const second = await openStore({ dbPath: db });
    try {
      const rec = await second.backfills.recordBackfill({
        deckyUuid: 'local:mail01',
        kind: 'emails',
        status: 'done',
        at: new Date(AT.getTime() + 60_000),
        items: 30,
        failures: 0,
        detail: null,
      });
      expect(rec).toMatchObject({ status: 'done', attempts: 2, items: 30, failures: 0, detail: null });
    } finally {
      await second.close();
    }
  });

  it('lists as finished only done and skipped deckies of the kind asked', async () => {
    const store = await openStore({ dbPath: await d.fresh() });
    try {
      const put = (deckyUuid: string, kind: 'files' | 'emails', status: 'done' | 'skipped' | 'failed' | 'abandoned') =>
        store.backfills.recordBackfill({ deckyUuid, kind, status, at: AT, items: 0, failures: 0, detail: null });
      await put('a', 'files', 'done');
      await put('b', 'files', 'skipped');
      await put('c', 'files', 'failed');
      await put('d', 'files', 'abandoned');
      await put('e', 'emails', 'done');
      expect([...(await store.backfills.finishedDeckies('files'))].sort()).toEqual(['a', 'b']);
      expect([...(await store.backfills.finishedDeckies('emails'))]).toEqual(['e']);
    } finally {
      await store.close();
    }
  });

  it('keeps a hostile detail as data, bounded', async () => {
    const store = await openStore({ dbPath: await d.fresh() });
    try {
      const detail = `'); drop table decky_backfills; --\n${'x'.repeat(2000)}`;
      const rec = await store.backfills.recordBackfill({
        deckyUuid: "local:we'b",
        kind: 'files',
        status: 'failed',
        at: AT,
        items: 0,
        failures: 0,
        detail,
      });
      expect(rec.detail).toBe(detail.slice(0, 500));
      expect(await store.backfills.getBackfill("local:we'b", 'files')).toMatchObject({ status: 'failed' });
    } finally {
      await store.close();
    }
  });
});
