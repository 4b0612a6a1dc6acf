import { afterAll, describe, expect, it } from 'vitest';
import type { OrchestratorEvent } from '../../../src/domain/event.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { requirePostgresOrSkip } from '../../support/postgres-server.js';
import { anEmail, anEvent, at, observed, postgresDialect } from './store-fixtures.js';

const DSTS = ['a', 'b', 'c', 'd', 'e'];

/** `n` batches of `size` events from one daemon, spread over DSTS, timestamps unique per daemon. */
function batchesOf(daemon: number, n: number, size: number): OrchestratorEvent[][] {
  return Array.from({ length: n }, (_, b) =>
    Array.from({ length: size }, (_, i) => {
      const k = b * size + i;
      return anEvent({ dstDeckyUuid: `local:${DSTS[k % DSTS.length]}`, ts: at(k * 2 + daemon), payload: { daemon, k } });
    }),
  );
}

async function allRows(store: Store): Promise<OrchestratorEvent[]> {
  const out: OrchestratorEvent[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.events.listEvents({ limit: 1000, offset });
    out.push(...page.data);
    if (page.data.length < 1000) return out;
  }
}

// two stores = two connection pools = two daemons, as far as the server can tell.
describe.runIf(await requirePostgresOrSkip())('two daemons sharing one PostgreSQL database', () => {
  const d = postgresDialect();
  afterAll(() => d.cleanup());

  it('loses and duplicates no row when both write at once', async () => {
    const db = await d.fresh();
    const [one, two] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    const sent = [batchesOf(0, 40, 25), batchesOf(1, 40, 25)];
    await Promise.all([...sent[0]!.map((b) => one.events.recordEvents(b)), ...sent[1]!.map((b) => two.events.recordEvents(b))]);
    const rows = await allRows(one);
    const uuids = rows.map((r) => r.uuid);
    expect(rows).toHaveLength(2000);
    expect(new Set(uuids).size).toBe(2000);
    expect(new Set(uuids)).toEqual(new Set(sent.flat(2).map((e) => e.uuid)));
    await Promise.all([one.close(), two.close()]);
  });

  it('prunes correctly when both prune at once: the newest N per destination, each row removed once', async () => {
    const db = await d.fresh();
    const [one, two] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    const written = batchesOf(0, 20, 50).flat();
    await one.events.recordEvents(written);
    const keep = 70;
    const removed = await Promise.all([
      one.events.pruneEvents(keep),
      two.events.pruneEvents(keep),
      one.events.pruneEvents(keep),
      two.events.pruneEvents(keep),
    ]);
    // each destination had 200 rows: 130 go, and the four prunes together report each removal once.
    expect(removed.reduce((a, b) => a + b, 0)).toBe(DSTS.length * (200 - keep));
    const left = await allRows(two);
    for (const dst of DSTS) {
      const newest = written
        .filter((e) => e.dstDeckyUuid === `local:${dst}`)
        .sort((x, y) => y.ts.getTime() - x.ts.getTime())
        .slice(0, keep)
        .map((e) => e.uuid);
      expect(new Set(left.filter((e) => e.dstDeckyUuid === `local:${dst}`).map((e) => e.uuid))).toEqual(new Set(newest));
    }
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps writing and pruning events and emails side by side without errors, and ends at the cap', async () => {
    const db = await d.fresh();
    const [one, two] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    const keep = 50;
    await Promise.all([
      ...batchesOf(0, 30, 20).map((b) => one.events.recordEvents(b)),
      ...batchesOf(1, 30, 20).map((b) => two.events.recordEvents(b)),
      ...Array.from({ length: 15 }, (_, i) => (i % 2 ? one : two).events.pruneEvents(keep)),
      ...Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? one : two).emails.recordEmails([anEmail({ mailDeckyUuid: 'local:mail01', ts: at(i) })]),
      ),
      ...Array.from({ length: 5 }, (_, i) => (i % 2 ? one : two).emails.pruneEmails(10)),
    ]);
    await Promise.all([one.events.pruneEvents(keep), two.events.pruneEvents(keep), one.emails.pruneEmails(10), two.emails.pruneEmails(10)]);
    const left = await allRows(one);
    for (const dst of DSTS) expect(left.filter((e) => e.dstDeckyUuid === `local:${dst}`)).toHaveLength(keep);
    expect((await two.emails.listEmails({ limit: 100, offset: 0 })).total).toBe(10);
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps the inventories of two hosts apart when their daemons reconcile at once', async () => {
    const db = await d.fresh();
    const [one, two] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    // DECNET keys shards by name alone: each host runs its own names
    const names = Array.from({ length: 50 }, (_, i) => `web${i}`);
    await Promise.all(
      Array.from({ length: 10 }, () => [
        one.inventory.reconcileHost(
          'host-a',
          names.map((n) => observed(`a-${n}`, { hostUuid: 'host-a' })),
          { remote: true },
        ),
        two.inventory.reconcileHost(
          'host-b',
          names.map((n) => observed(`b-${n}`, { hostUuid: 'host-b' })),
          { remote: true },
        ),
      ]).flat(),
    );
    const running = await one.inventory.listRunningDeckies();
    expect(running).toHaveLength(100);
    expect(new Set(running.map((r) => r.uuid)).size).toBe(100);
    await Promise.all([one.close(), two.close()]);
  });
});
