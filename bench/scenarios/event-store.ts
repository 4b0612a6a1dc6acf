import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
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
    payload: { src_decky: 'web01', dst_decky: 'db01', dst_ip: '10.0.0.7', dst_port: 22, rc: 0, duration_ms: 41, banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' },
  };
}

/** One variant kept open across rounds: `run(ms)` inserts for that long, `close()` reads the totals. */
interface Session {
  run(ms: number): Promise<void>;
  close(): Promise<StoreNumbers>;
}

function totals(t: { events: number; wallMs: number; cpuMs: number; prunes: number; pruned: number }): StoreNumbers {
  return { events: t.events, eventsPerS: (t.events * 1000) / t.wallMs, cpuUsPerEvent: (t.cpuMs * 1000) / t.events, prunes: t.prunes, pruned: t.pruned };
}

/** Through the daemon's path: EVENT.RECORD to the event-writer actor, batched by the writer, MikroORM/knex, bus publish. */
async function writerSession(opts: EventStoreOptions): Promise<Session> {
  const store = await openStore({ dbPath: join(opts.dir, 'writer.sqlite') });
  const writer = createEventWriter({ events: store.events, bus: createMemoryBus({ logger: silentLogger }), logger: silentLogger, maxBatch: opts.batch });
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
          pruning = store.events.pruneEvents(opts.keep).then((n) => {
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
    new Promise<void>((resolve, reject) => insert.run(form === 'values' ? params : [JSON.stringify(params)], (err: Error | null) => (err ? reject(err) : resolve())));
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
          const row = [randomUUID(), new Date(d.ts!).toISOString(), d.kind, d.protocol, d.action, d.srcDeckyUuid, d.dstDeckyUuid, d.success ? 1 : 0, JSON.stringify(d.payload)];
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

/**
 * Scenario 3: sustained inserts with pruning on, through the event-writer actor and the store,
 * against a raw prepared-statement loop on the sqlite3 driver with the same file settings (WAL,
 * synchronous=normal), the same batch size and the same prune statement at the same cadence.
 * A second raw loop binds each batch as one JSON text unpacked by json_each, for reference: the
 * store's form for partial batches on SQLite (full ones use the baseline's prepared statement).
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
  return {
    id: 'event-store',
    title: 'Event store: sustained inserts with pruning',
    figures: [
      figure('writer throughput', 'events/s', writer.eventsPerS, {
        baseline: { name: 'raw sqlite3 prepared batch', value: raw.eventsPerS },
        target: atLeast(ratio, 0.5, '≥ 0.5 × raw'),
      }),
      figure('writer throughput (absolute)', 'events/s', writer.eventsPerS, { target: atLeast(writer.eventsPerS, 20_000, '≥ 20,000/s') }),
      figure('writer CPU per event', 'µs', writer.cpuUsPerEvent, { baseline: rawBaseline(raw.cpuUsPerEvent) }),
      // json_each moves the per-value binding from the event loop to SQLite's thread: cheaper for a
      // serial loop, dearer for the writer, whose bottleneck is SQLite's thread (so full batches bind values)
      figure('raw json_each batch', 'events/s', rawJson.eventsPerS, { baseline: rawBaseline(raw.eventsPerS) }),
      figure('raw json_each CPU per event', 'µs', rawJson.cpuUsPerEvent, { baseline: rawBaseline(raw.cpuUsPerEvent) }),
    ],
    info: { settings: opts, writer, raw, rawJson },
  };
}
