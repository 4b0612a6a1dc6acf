import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/infra/store/store-errors.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import { describeStoreTarget, parseStoreTarget } from '../../../src/infra/store/store-target.js';
import { POSTGRES_ADMIN_URL, requirePostgresOrSkip } from '../../support/postgres-server.js';
import { anEmail, anEvent, postgresDialect } from './store-fixtures.js';

describe('DECNET_DB as a store target', () => {
  it.each([
    ['postgresql://u:p@db.example:5432/decnet', 'postgresql'],
    ['postgres://db.example/decnet', 'postgresql'],
    ['  POSTGRESQL://db.example/decnet', 'postgresql'],
    ['/var/lib/decnet/decnet.sqlite', 'sqlite'],
    ['relative/postgresql.sqlite', 'sqlite'],
  ])('reads %s as %s', (db, dialect) => {
    expect(parseStoreTarget(db).dialect).toBe(dialect);
  });

  it('never shows the password of a URL in logs', () => {
    expect(describeStoreTarget('postgresql://decnet:s3cret@db.example/decnet')).toBe('postgresql://decnet:***@db.example/decnet');
  });
});

describe.runIf(await requirePostgresOrSkip())('the PostgreSQL schema', () => {
  const d = postgresDialect();
  afterAll(() => d.cleanup());

  it("gives the shared tables DECNET's types: JSON as text, booleans as boolean, timestamps without time zone", async () => {
    const db = await d.fresh();
    await (await openStore({ dbPath: db })).close();
    const types = await d.sql<{ table_name: string; column_name: string; data_type: string }>(
      db,
      `select table_name, column_name, data_type from information_schema.columns
        where (table_name, column_name) in (('orchestrator_events', 'payload'), ('orchestrator_emails', 'payload'), ('orchestrator_events', 'ts'),
          ('topologies', 'email_personas'), ('orchestrator_events', 'success'), ('orch_swarm_hosts', 'shares_network'))
        order by table_name, column_name`,
    );
    expect(types.map((t) => `${t.table_name}.${t.column_name}:${t.data_type}`)).toEqual([
      'orch_swarm_hosts.shares_network:boolean',
      'orchestrator_emails.payload:text',
      'orchestrator_events.payload:text',
      'orchestrator_events.success:boolean',
      'orchestrator_events.ts:timestamp without time zone',
      'topologies.email_personas:text',
    ]);
  });

  it('keeps payloads queryable as JSON by the operator', async () => {
    const db = await d.fresh();
    const store = await openStore({ dbPath: db });
    await store.events.recordEvents([anEvent({ payload: { banner: 'SSH-2.0-x', rc: 0 } })]);
    await store.emails.recordEmails([anEmail({ payload: { stage: 'delivered', bytes: 812 } })]);
    await store.close();
    expect(
      await d.sql(db, "select payload::jsonb->>'banner' as banner, (payload::jsonb->>'rc')::int as rc from orchestrator_events"),
    ).toEqual([{ banner: 'SSH-2.0-x', rc: 0 }]);
    expect(await d.sql(db, "select (payload::jsonb->>'bytes')::int as bytes from orchestrator_emails")).toEqual([{ bytes: 812 }]);
  });

  it('fails with a StoreError naming the cause when the database does not exist, without the password', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = '/decnet_no_such_database';
    const err = (await openStore({ dbPath: url.toString() }).catch((e: unknown) => e)) as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).toMatch(/^open failed: 3D000: database "decnet_no_such_database" does not exist/);
    expect(err.message).not.toContain(`:${url.password}@`);
  });
});
