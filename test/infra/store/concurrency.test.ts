import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { mariadbClient } from '../../support/mariadb-server.js';
import { pgClient } from '../../support/postgres-server.js';
import { anEmail, anEvent, observed, type StoreDialect, storeDialects } from './store-fixtures.js';

/** A second "process": its own connection holding the write lock on the events for `ms`. */
function holdWriteLock(d: StoreDialect, db: string, ms: number): Promise<{ released: Promise<void> }> {
  if (d.name === 'mariadb') return holdMariadbLock(db, ms);
  return d.name === 'sqlite' ? holdSqliteLock(db, ms) : holdPostgresLock(db, ms);
}

function holdSqliteLock(dbPath: string, ms: number): Promise<{ released: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath);
    db.exec('begin immediate', (err) => {
      if (err) return reject(err);
      const released = new Promise<void>((done) => {
        setTimeout(() => db.exec('commit', () => db.close(() => done())), ms);
      });
      resolve({ released });
    });
  });
}

async function holdPostgresLock(url: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = pgClient(url);
  const trx = await client.transaction();
  await trx.raw('lock table orchestrator_events in exclusive mode');
  const released = new Promise<void>((done) => {
    setTimeout(
      () =>
        void trx
          .commit()
          .then(() => client.destroy())
          .then(done),
      ms,
    );
  });
  return { released };
}

// LOCK TABLES belongs to the session: one connection of its own, released with UNLOCK TABLES
async function holdMariadbLock(url: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = mariadbClient(url);
  const conn = await client.client.acquireConnection();
  await client.raw('lock tables orchestrator_events write').connection(conn);
  const released = new Promise<void>((done) => {
    setTimeout(
      () =>
        void client
          .raw('unlock tables')
          .connection(conn)
          .then(() => client.client.releaseConnection(conn))
          .then(() => client.destroy())
          .then(done),
      ms,
    );
  });
  return { released };
}

describe.each(await storeDialects())('store shared by two processes on $name', (d) => {
  afterAll(() => d.cleanup());

  it('waits for another writer instead of failing', async () => {
    const db = await d.fresh();
    const store = await openStore({ dbPath: db });
    const { released } = await holdWriteLock(d, db, 400);
    const started = Date.now();
    await store.events.recordEvents([anEvent()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await released;
    expect((await store.events.listEvents({ limit: 1, offset: 0 })).total).toBe(1);
    await store.close();
  });

  it('loses nothing when two stores write events, emails and inventory at once', async () => {
    const db = await d.fresh();
    const [orchestrator, emailgen] = await Promise.all([openStore({ dbPath: db }), openStore({ dbPath: db })]);
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => orchestrator.events.recordEvents([anEvent(), anEvent({ dstDeckyUuid: `local:d${i}` })])),
      ...Array.from({ length: 30 }, () => emailgen.emails.recordEmails([anEmail()])),
      ...Array.from({ length: 10 }, (_, i) => orchestrator.inventory.reconcileHost('local', [observed(`web${i % 3}`)], { remote: false })),
      ...Array.from({ length: 10 }, () => emailgen.events.pruneEvents(1_000)),
    ]);
    expect((await emailgen.events.listEvents({ limit: 1, offset: 0 })).total).toBe(60);
    expect((await orchestrator.emails.listEmails({ limit: 1, offset: 0 })).total).toBe(30);
    await Promise.all([orchestrator.close(), emailgen.close()]);
  });
});
