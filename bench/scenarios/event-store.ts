import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import sqlite3 from 'sqlite3';
import { createActor } from 'xstate';
import { createEventWriter } from '../../src/actors/event-writer.js';
import { createEventWriterLogic } from '../../src/actors/event-writer.actor.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import type { EventDraft } from '../../src/domain/event.js';
import { sleep, startMeter } from '../lib/measure.js';
import { atLeast, figure, type ScenarioResult } from '../lib/report.js';

/** Size of the event-store run. */
export interface EventStoreOptions {
  /** per variant, over all rounds */
  seconds: number;
  dir: string;
  /** destinations the rows spread over */
  destinations: number;
  /** rows kept per destination at each prune */
  keep: number;
  /** prune cadence, in rows inserted (the same for both variants whatever their speed) */
  pruneEveryRows: number;
  /** rows per raw statement and the writer's maxBatch, so both commit alike */
  batch: number;
  /** the two variants alternate this many times */
  rounds: number;
  /**
   * a MySQL/MariaDB server whose user may create `decnet_test_*` databases (`mysql://…/`), to run
   * the same comparison there; null or unset → SQLite only
   */
  mariadbUrl?: string | null;
}

/** Events per second and CPU per event of one variant. */
export interface StoreNumbers {
  events: number;
  eventsPerS: number;
  cpuUsPerEvent: number;
  prunes: number;
  pruned: number;
}

/** A realistic traffic draft towards destination `i`. */
export function draftFor(i: number, destinations: number): EventDraft {
  const dst = `local:d${i % destinations}`;
  return {
    ts: new Date().toISOString(),
    kind: 'traffic',
    protocol: 'ssh',
    action: 'exec:tcp_connect:22',
    srcDeckyUuid: `local:d${(i + 1) % destinations}`,
    dstDeckyUuid: dst,
    success: true,
    payload: {
      src_decky: 'web01',
      dst_decky: 'db01',
      dst_ip: '10.0.0.7',
      dst_port: 22,
      rc: 0,
      duration_ms: 41,
      banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
    },
  };
}

/** One variant kept open across rounds: `run(ms)` inserts for that long, `close()` reads the totals. */
interface Session {
  run(ms: number): Promise<void>;
  close(): Promise<StoreNumbers>;
}

function totals(t: { events: number; wallMs: number; cpuMs: number; prunes: number; pruned: number }): StoreNumbers {
  return {
    events: t.events,
    eventsPerS: (t.events * 1000) / t.wallMs,
    cpuUsPerEvent: (t.cpuMs * 1000) / t.events,
    prunes: t.prunes,
    pruned: t.pruned,
  };
}

/** Through the daemon's path: EVENT.RECORD to the event-writer actor, batched by the writer, MikroORM/knex, bus publish. */
async function writerSession(opts: EventStoreOptions, dbPath = join(opts.dir, 'writer.sqlite')): Promise<Session> {
  const store = await openStore({ dbPath });
  const writer = createEventWriter({
    events: store.events,
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    maxBatch: opts.batch,
  });
  const actor = createActor(createEventWriterLogic({ writer })).start();
  const t = { events: 0, wallMs: 0, cpuMs: 0, prunes: 0, pruned: 0 };
  let i = 0;
  let nextPrune = opts.pruneEveryRows;
  let pruning: Promise<unknown> = Promise.resolve();
  return {
    async run(ms) {
      const written0 = writer.stats().written;
      const meter = startMeter();
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // keep a few batches queued, never an unbounded buffer: the writer would drop the oldest
        if (writer.stats().buffered < opts.batch * 4) {
          for (let k = 0; k < opts.batch; k++) actor.send({ type: 'EVENT.RECORD', draft: draftFor(i++, opts.destinations) });
        }
        if (i >= nextPrune) {
          // as the supervisor does: the prune runs beside the writes, on the same connection
          // one prune at a time: the run awaits the last, so none outlives the store
          pruning = pruning
            .then(() => store.events.pruneEvents(opts.keep))
            .then((n) => {
              t.prunes += 1;
              t.pruned += n;
            });
          nextPrune += opts.pruneEveryRows;
        }
        await sleep(0);
      }
      await writer.flush(30_000);
      await pruning;
      const m = meter.read();
      t.events += writer.stats().written - written0;
      t.wallMs += m.wallMs;
      t.cpuMs += m.cpuMs;
    },
    async close() {
      actor.stop();
      await store.close();
      return totals(t);
    },
  };
}

/** How a raw batch reaches SQLite: 9 bound values per row, or the whole batch as one JSON text. */
type RawForm = 'values' | 'json';

/** The same rows with one prepared statement on the sqlite3 driver, same file settings, same prune. */
async function rawSession(opts: EventStoreOptions, form: RawForm = 'values'): Promise<Session> {
  const file = join(opts.dir, form === 'values' ? 'raw.sqlite' : 'raw-json.sqlite');
  // the same schema, from the same migrations
  await (await openStore({ dbPath: file })).close();
  const db = new sqlite3.Database(file);
  // one statement after the other, like a synchronous loop
  db.serialize();
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<number>((resolve, reject) =>
      db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve(this.changes);
      }),
    );
  await run('pragma busy_timeout = 5000');
  await new Promise<void>((r, j) => db.all('pragma journal_mode = wal', (e: Error | null) => (e ? j(e) : r())));
  await run('pragma synchronous = normal');
  // the strongest raw form: one prepared multi-row statement per batch (a transaction by itself)
  const tuple = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
  const columns = 'uuid, ts, kind, protocol, action, src_decky_uuid, dst_decky_uuid, success, payload';
  const insert = db.prepare(
    form === 'values'
      ? `insert into orchestrator_events (${columns}) values ${Array(opts.batch).fill(tuple).join(', ')}`
      : `insert into orchestrator_events (${columns}) select ${Array.from({ length: 9 }, (_, c) => `value ->> ${c}`).join(', ')} from json_each(?)`,
  );
  const runInsert = (params: unknown[]) =>
    new Promise<void>((resolve, reject) =>
      insert.run(form === 'values' ? params : [JSON.stringify(params)], (err: Error | null) => (err ? reject(err) : resolve())),
    );
  const pruneSql = `delete from orchestrator_events where rowid in (select rowid from (
       select rowid, row_number() over (partition by dst_decky_uuid order by ts desc, rowid desc) as rn
         from orchestrator_events
        where dst_decky_uuid in (select dst_decky_uuid from orchestrator_events group by dst_decky_uuid having count(*) > ?)
     ) as ranked where rn > ?)`;
  const t = { events: 0, wallMs: 0, cpuMs: 0, prunes: 0, pruned: 0 };
  let i = 0;
  let nextPrune = opts.pruneEveryRows;
  return {
    async run(ms) {
      const meter = startMeter();
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const params: unknown[] = [];
        for (let k = 0; k < opts.batch; k++) {
          const d = draftFor(i++, opts.destinations);
          const row = [
            randomUUID(),
            new Date(d.ts!).toISOString(),
            d.kind,
            d.protocol,
            d.action,
            d.srcDeckyUuid,
            d.dstDeckyUuid,
            d.success ? 1 : 0,
            JSON.stringify(d.payload),
          ];
          if (form === 'values') params.push(...row);
          else params.push(row);
        }
        await runInsert(params);
        t.events += opts.batch;
        if (i >= nextPrune) {
          t.pruned += await run(pruneSql, [opts.keep, opts.keep]);
          t.prunes += 1;
          nextPrune += opts.pruneEveryRows;
        }
      }
      const m = meter.read();
      t.wallMs += m.wallMs;
      t.cpuMs += m.cpuMs;
    },
    async close() {
      await new Promise<void>((r) => insert.finalize(() => r()));
      await new Promise<void>((r) => db.close(() => r()));
      return totals(t);
    },
  };
}

/** A fresh `decnet_test_*` database on the server at `adminUrl`; answers its URL and how to drop it. */
async function mysqlDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `decnet_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(adminUrl);
  await admin.query(`create database ${name} character set utf8mb4`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = await mysql.createConnection(adminUrl);
      await c.query(`drop database if exists ${name}`);
      await c.end();
    },
  };
}

/** The same rows as one multi-row `insert … values ?` per batch on one mysql2 connection, the same prune. */
async function rawMysqlSession(opts: EventStoreOptions, url: string): Promise<Session> {
  // the same schema, from the same migrations
  await (await openStore({ dbPath: url })).close();
  const conn = await mysql.createConnection({ uri: url, charset: 'utf8mb4' });
  const columns = 'uuid, ts, kind, protocol, action, src_decky_uuid, dst_decky_uuid, success, payload';
  const pruneSql = `delete t from orchestrator_events t join (
       select uuid from (
         select uuid, row_number() over (partition by dst_decky_uuid order by ts desc, rowid desc) as rn
           from orchestrator_events
          where dst_decky_uuid in (select dst_decky_uuid from orchestrator_events group by dst_decky_uuid having count(*) > ?)
       ) as ranked where rn > ?
     ) as doomed on doomed.uuid = t.uuid`;
  const t = { events: 0, wallMs: 0, cpuMs: 0, prunes: 0, pruned: 0 };
  let i = 0;
  let nextPrune = opts.pruneEveryRows;
  return {
    async run(ms) {
      const meter = startMeter();
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const rows: unknown[][] = [];
        for (let k = 0; k < opts.batch; k++) {
          const d = draftFor(i++, opts.destinations);
          const ts = new Date(d.ts!).toISOString().slice(0, 23).replace('T', ' ');
          rows.push([
            randomUUID(),
            ts,
            d.kind,
            d.protocol,
            d.action,
            d.srcDeckyUuid,
            d.dstDeckyUuid,
            d.success ? 1 : 0,
            JSON.stringify(d.payload),
          ]);
        }
        await conn.query(`insert into orchestrator_events (${columns}) values ?`, [rows]);
        t.events += opts.batch;
        if (i >= nextPrune) {
          const [res] = await conn.query(pruneSql, [opts.keep, opts.keep]);
          t.pruned += (res as { affectedRows: number }).affectedRows;
          t.prunes += 1;
          nextPrune += opts.pruneEveryRows;
        }
      }
      const m = meter.read();
      t.wallMs += m.wallMs;
      t.cpuMs += m.cpuMs;
    },
    async close() {
      await conn.end();
      return totals(t);
    },
  };
}

/**
 * The writer against a raw mysql2 batch on MariaDB, on DECNET's schema in two fresh databases;
 * null when the server does not answer (the run says so rather than failing).
 */
async function mariadbComparison(
  opts: EventStoreOptions,
): Promise<{ writer: StoreNumbers; raw: StoreNumbers } | { skipped: string } | null> {
  if (!opts.mariadbUrl) return null;
  let dbs: Array<{ url: string; drop: () => Promise<void> }>;
  try {
    dbs = [await mysqlDatabase(opts.mariadbUrl), await mysqlDatabase(opts.mariadbUrl)];
  } catch (err) {
    return { skipped: `MariaDB does not answer: ${(err as Error).message.slice(0, 120)}` };
  }
  try {
    const sessions = { raw: await rawMysqlSession(opts, dbs[0]!.url), writer: await writerSession(opts, dbs[1]!.url) };
    const rounds = Math.max(1, opts.rounds);
    for (let r = 0; r < rounds; r++) {
      await sessions.raw.run((opts.seconds * 1000) / rounds);
      await sessions.writer.run((opts.seconds * 1000) / rounds);
    }
    return { raw: await sessions.raw.close(), writer: await sessions.writer.close() };
  } finally {
    for (const db of dbs) await db.drop();
  }
}

/**
 * Scenario 3: sustained inserts with pruning on, through the event-writer actor and the store,
 * against a raw prepared-statement loop on the sqlite3 driver with the same file settings (WAL,
 * synchronous=normal), the same batch size and the same prune statement at the same cadence.
 * A second raw loop binds each batch as one JSON text unpacked by json_each, for reference: the
 * store's form for partial batches on SQLite (full ones use the baseline's prepared statement).
 * With `mariadbUrl`, the same writer on MariaDB against a raw mysql2 multi-row insert, side by side.
 */
export async function eventStoreScenario(opts: EventStoreOptions): Promise<ScenarioResult> {
  const sessions = { raw: await rawSession(opts), rawJson: await rawSession(opts, 'json'), writer: await writerSession(opts) };
  // alternating rounds: a noisy machine slows all alike
  const rounds = Math.max(1, opts.rounds);
  for (let r = 0; r < rounds; r++) {
    await sessions.raw.run((opts.seconds * 1000) / rounds);
    await sessions.writer.run((opts.seconds * 1000) / rounds);
    await sessions.rawJson.run((opts.seconds * 1000) / rounds);
  }
  const raw = await sessions.raw.close();
  const rawJson = await sessions.rawJson.close();
  const writer = await sessions.writer.close();
  const ratio = writer.eventsPerS / raw.eventsPerS;
  const rawBaseline = (value: number) => ({ name: 'raw sqlite3 prepared batch', value });
  const maria = await mariadbComparison(opts);
  const mariaFigures =
    maria && 'writer' in maria
      ? [
          figure('MariaDB writer throughput', 'events/s', maria.writer.eventsPerS, {
            baseline: { name: 'raw mysql2 batch', value: maria.raw.eventsPerS },
            target: atLeast(maria.writer.eventsPerS / maria.raw.eventsPerS, 0.8, '≥ 0.8 × raw'),
          }),
          figure('MariaDB writer CPU per event', 'µs', maria.writer.cpuUsPerEvent, {
            baseline: { name: 'raw mysql2 batch', value: maria.raw.cpuUsPerEvent },
          }),
        ]
      : [];
  return {
    id: 'event-store',
    title: 'Event store: sustained inserts with pruning (SQLite, and MariaDB when given)',
    figures: [
      figure('writer throughput', 'events/s', writer.eventsPerS, {
        baseline: { name: 'raw sqlite3 prepared batch', value: raw.eventsPerS },
        target: atLeast(ratio, 0.9, '≥ 0.9 × raw'),
      }),
      figure('writer throughput (absolute)', 'events/s', writer.eventsPerS, { target: atLeast(writer.eventsPerS, 20_000, '≥ 20,000/s') }),
      figure('writer CPU per event', 'µs', writer.cpuUsPerEvent, { baseline: rawBaseline(raw.cpuUsPerEvent) }),
      // json_each moves the per-value binding from the event loop to SQLite's thread: cheaper for a
      // serial loop, dearer for the writer, whose bottleneck is SQLite's thread (so full batches bind values)
      figure('raw json_each batch', 'events/s', rawJson.eventsPerS, { baseline: rawBaseline(raw.eventsPerS) }),
      figure('raw json_each CPU per event', 'µs', rawJson.cpuUsPerEvent, { baseline: rawBaseline(raw.cpuUsPerEvent) }),
      ...mariaFigures,
    ],
    info: { settings: { ...opts, mariadbUrl: opts.mariadbUrl ? 'given' : null }, writer, raw, rawJson, mariadb: maria },
  };
}
