import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import type { ObservedDecky } from '../../../src/domain/decky.js';
import { createTestDatabase, dropTestDatabases, pgClient, requirePostgresOrSkip } from '../../support/postgres-server.js';

const observed = (name: string): ObservedDecky => ({ name, hostUuid: 'local', ip: '10.0.0.2', services: ['ssh'], running: true });
const made: string[] = [];
afterAll(() => dropTestDatabases(made));

describe.runIf(await requirePostgresOrSkip())('inventory reconciles on PostgreSQL', () => {
  it('of one host from two processes at once take turns instead of deadlocking', async () => {
    const url = await createTestDatabase();
    made.push(url);
    const [a, b] = await Promise.all([openStore({ dbPath: url }), openStore({ dbPath: url })]);
    try {
      const started = Date.now();
      // the same rows in different orders: without the per-host lock this deadlocked ~25 times and took ~23 s
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).inventory.reconcileHost('local', [observed(`web${i % 3}`), observed('x'), observed('y')], { remote: false }),
        ),
      );
      expect(Date.now() - started).toBeLessThan(8_000);
      // statistics reach pg_stat_database shortly after the transactions end
      await new Promise((r) => setTimeout(r, 1_200));
      const db = pgClient(url);
      try {
        const r = await db.raw('select deadlocks from pg_stat_database where datname = current_database()');
        expect(Number(r.rows[0].deadlocks)).toBe(0);
      } finally {
        await db.destroy();
      }
      // whichever reconcile went last wins whole: x, y and one web decky, never a mix of two
      const names = (await a.inventory.listRunningDeckies()).map((d) => d.name).sort();
      expect(names).toHaveLength(3);
      expect(names).toEqual(expect.arrayContaining(['x', 'y']));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});
