import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli.js';
import { StoreOwnershipError } from '../../../src/infra/store/store-errors.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { parseTopologyFile } from '../../../src/infra/store/topology-file.schema.js';
import {
  addFleetDecky,
  addShard,
  addSwarmHost,
  addTopology,
  all,
  DECNET_TABLES,
  decnetChecksum,
  makeDecnetDb,
  tablesOf,
} from '../../fixtures/decnet/decnet-db.js';
import { anEmail, anEvent, at, observed, tempDir } from './store-fixtures.js';

// naive UTC text with a six-digit fraction, as SQLAlchemy stores DECNET's datetimes in SQLite
const DECNET_TS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A logger that keeps warnings, to assert on them. */
function recordingLogger() {
  const warnings: Array<Record<string, unknown>> = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (obj: Record<string, unknown> | string) => {
      warnings.push(typeof obj === 'string' ? { msg: obj } : obj);
    },
    error: () => {},
    child: () => logger,
  };
  return logger;
}

describe("the store on DECNET's own SQLite database", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  let store: Store;
  let logger: ReturnType<typeof recordingLogger>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(() => tmp.cleanup());
  beforeEach(async () => {
    db = tmp.dbPath();
    await makeDecnetDb(db);
    logger = recordingLogger();
  });
  afterEach(() => store?.close());

  const open = async () => {
    store = await openStore({ dbPath: db, logger });
    return store;
  };

  describe('opening it', () => {
    it("says DECNET owns it, adds only the project's prefixed tables and leaves DECNET's untouched", async () => {
      const before = await decnetChecksum(db);
      expect((await open()).owner).toBe('decnet');
      await store.close();
      expect(await decnetChecksum(db)).toBe(before);
      const added = (await tablesOf(db)).filter((t) => !(DECNET_TABLES as readonly string[]).includes(t));
      expect(added.every((t) => t.startsWith('orch_'))).toBe(true);
      expect(added).toContain('orch_migrations');
      expect(await all(db, 'select version_num from alembic_version')).toEqual([{ version_num: '4a914b1d62a0' }]);
    });

    it('opens it again without migrating anything', async () => {
      await (await open()).close();
      const before = await all(db, 'select name from orch_migrations order by name');
      await (await open()).close();
      expect(await all(db, 'select name from orch_migrations order by name')).toEqual(before);
    });
  });

  describe('refusing it', () => {
    const refused = async (opts: Parameters<typeof makeDecnetDb>[1], message: RegExp) => {
      const file = tmp.dbPath();
      await makeDecnetDb(file, opts);
      const before = await decnetChecksum(file).catch(() => 'unreadable');
      const tables = await tablesOf(file);
      const err = await openStore({ dbPath: file }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreOwnershipError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/nothing written/);
      // nothing written: DECNET's tables as they were, and no table of ours
      expect(await decnetChecksum(file).catch(() => 'unreadable')).toBe(before);
      expect(await tablesOf(file)).toEqual(tables);
    };

    it('at an alembic revision it does not know, naming the revision', async () => {
      await refused({ revision: 'ffffffffffff' }, /alembic revision ffffffffffff; this orchestrator knows 4a914b1d62a0/);
    });

    it('lacking a column it reads, naming the table and the column', async () => {
      await refused({ dropColumn: { table: 'fleet_deckies', column: 'decky_ip' } }, /table fleet_deckies has no column decky_ip/);
    });

    it('lacking a column it writes, naming the table and the column', async () => {
      await refused({ dropColumn: { table: 'synthetic_files', column: 'last_body' } }, /table synthetic_files has no column last_body/);
    });

    it('lacking a table it writes, naming the table', async () => {
      await refused({ dropTable: 'synthetic_files' }, /has no table synthetic_files/);
    });

    it('with the CLI saying so in one line and exiting non-zero', async () => {
      const file = tmp.dbPath();
      await makeDecnetDb(file, { revision: '000000000000' });
      const errs: string[] = [];
      const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        errs.push(String(chunk));
        return true;
      });
      vi.stubEnv('DECNET_DB', file);
      try {
        expect(await main(['node', 'decnet', 'deckies'])).toBe(2);
      } finally {
        write.mockRestore();
        vi.unstubAllEnvs();
      }
      expect(errs).toEqual([
        expect.stringMatching(/^decnet-orchestrator: DECNET database at alembic revision 000000000000; .*nothing written\n$/),
      ]);
    });
  });

  describe('the inventory', () => {
    it("reads DECNET's rows of every source with DECNET's ids", async () => {
      await addFleetDecky(db, 'web01', '172.20.0.11');
      await addFleetDecky(db, 'old01', '172.20.0.12', { state: 'torn_down' });
      const host = await addSwarmHost(db, 'worker-1');
      await addShard(db, host, 'db01', '10.9.0.21');
      const topo = await addTopology(db, 'corp', [
        ['mail01', '10.50.0.2', '["imap","ssh"]'],
        ['gw01', '10.50.0.1'],
      ]);
      expect(await (await open()).inventory.listRunningDeckies()).toEqual([
        { uuid: 'local:web01', name: 'web01', ip: '172.20.0.11', services: ['ssh'], source: 'fleet', hostUuid: 'local' },
        { uuid: `${host}:db01`, name: 'db01', ip: '10.9.0.21', services: ['ssh', 'imap'], source: 'shard', hostUuid: host },
        { uuid: topo.deckies.gw01, name: 'gw01', ip: '10.50.0.1', services: ['ssh'], source: 'topology', topologyId: topo.id },
        { uuid: topo.deckies.mail01, name: 'mail01', ip: '10.50.0.2', services: ['imap', 'ssh'], source: 'topology', topologyId: topo.id },
      ]);
    });

    it("reads a topology's personas and language as DECNET wrote them", async () => {
      const topo = await addTopology(db, 'corp', [], '[{"name": "Ann", "email": "ann@corp.example", "active_hours": "00:00-00:00"}]');
      expect(await (await open()).inventory.getTopology(topo.id)).toMatchObject({
        name: 'corp',
        languageDefault: 'en',
        timezone: null,
        emailPersonas: [{ name: 'Ann', email: 'ann@corp.example', active_hours: '00:00-00:00' }],
        createdAt: new Date('2026-06-20T08:00:00.123Z'),
      });
    });

    it('keeps a decky whose services are not a JSON list, or whose IP is not an IP, out of every action, logs it once, and serves the others', async () => {
      await addFleetDecky(db, 'bad-services', '172.20.0.2', { services: 'ssh,imap' });
      await addFleetDecky(db, 'bad-ip', 'not-an-ip');
      await addFleetDecky(db, 'good', '172.20.0.4');
      await open();
      const first = await store.inventory.listRunningDeckies();
      await store.inventory.listRunningDeckies();
      expect(first).toEqual([
        { uuid: 'local:bad-ip', name: 'bad-ip', ip: null, services: ['ssh'], source: 'fleet', hostUuid: 'local' },
        { uuid: 'local:bad-services', name: 'bad-services', ip: '172.20.0.2', services: null, source: 'fleet', hostUuid: 'local' },
        { uuid: 'local:good', name: 'good', ip: '172.20.0.4', services: ['ssh'], source: 'fleet', hostUuid: 'local' },
      ]);
      expect(logger.warnings).toEqual([
        expect.objectContaining({ uuid: 'local:bad-ip', ip: 'not-an-ip' }),
        expect.objectContaining({ uuid: 'local:bad-services', services: 'ssh,imap' }),
      ]);
    });

    it('keeps both deckies when two sources use one name: their ids tell them apart', async () => {
      await addFleetDecky(db, 'web01', '172.20.0.11');
      const topo = await addTopology(db, 'corp', [['web01', '10.50.0.11']]);
      const deckies = await (await open()).inventory.listRunningDeckies();
      expect(deckies.map((d) => [d.uuid, d.name, d.source])).toEqual([
        ['local:web01', 'web01', 'fleet'],
        [topo.deckies.web01, 'web01', 'topology'],
      ]);
    });

    it("writes nothing when discovery reconciles: DECNET's reconciler owns the rows", async () => {
      await addFleetDecky(db, 'web01', '172.20.0.11');
      await open();
      const before = await decnetChecksum(db);
      await store.inventory.reconcileHost('local', [observed('web01', { running: false }), observed('new01')], { remote: false });
      await store.inventory.reconcileHost('host-b', [observed('db09', { hostUuid: 'host-b' })], { remote: true });
      expect(await decnetChecksum(db)).toBe(before);
    });

    it("refuses to import a topology into DECNET's tables", async () => {
      await open();
      const before = await decnetChecksum(db);
      await expect(store.inventory.importTopology(parseTopologyFile({ name: 'corp', deckies: [] }))).rejects.toThrow(/DECNET's database/);
      expect(await decnetChecksum(db)).toBe(before);
    });

    it("registers a swarm engine in the project's own table only", async () => {
      await open();
      const before = await decnetChecksum(db);
      const host = await store.swarm.addHost({ name: 'engine-b', endpoint: 'tcp://10.0.0.2:2376' });
      await store.swarm.markOnline(host.uuid, new Date());
      expect(await store.swarm.markUnreachable(host.uuid, 'gone', new Date())).toBe(0);
      expect(await store.swarm.listHosts()).toEqual([expect.objectContaining({ name: 'engine-b', state: 'unreachable' })]);
      expect(await decnetChecksum(db)).toBe(before);
    });
  });

  describe('what it writes, read back column by column', () => {
    it("writes events as DECNET's worker does: naive UTC text, 0/1, json.dumps payload", async () => {
      await open();
      const ok = anEvent({
        ts: new Date('2026-06-20T08:09:10.123Z'),
        payload: { banner: 'SSH-2.0-OpenSSH_9.2p1', rc: 0, lines: ['a', 'b'] },
      });
      const failed = anEvent({
        ts: new Date('2026-06-20T08:09:11Z'),
        kind: 'file',
        action: 'file:create',
        srcDeckyUuid: null,
        success: false,
        payload: { rc: 124, stderr: 'timeout' },
      });
      await store.events.recordEvents([ok, failed]);
      const rows = await all(db, 'select *, typeof(ts) as ts_type, typeof(success) as success_type from orchestrator_events order by ts');
      expect(rows).toEqual([
        {
          uuid: ok.uuid,
          ts: '2026-06-20 08:09:10.123000',
          kind: 'traffic',
          protocol: 'ssh',
          action: 'exec:tcp_connect:22',
          src_decky_uuid: 'local:web01',
          dst_decky_uuid: 'local:web02',
          success: 1,
          payload: '{"banner": "SSH-2.0-OpenSSH_9.2p1", "rc": 0, "lines": ["a", "b"]}',
          ts_type: 'text',
          success_type: 'integer',
        },
        {
          uuid: failed.uuid,
          ts: '2026-06-20 08:09:11.000000',
          kind: 'file',
          protocol: 'ssh',
          action: 'file:create',
          src_decky_uuid: null,
          dst_decky_uuid: 'local:web02',
          success: 0,
          payload: '{"rc": 124, "stderr": "timeout"}',
          ts_type: 'text',
          success_type: 'integer',
        },
      ]);
      expect((await store.events.listEvents({ limit: 10, offset: 0 })).data).toEqual([failed, ok]);
    });

    it('writes a full prepared batch and a json_each batch in the same formats', async () => {
      await open();
      await store.events.recordEvents(Array.from({ length: 1000 }, (_, i) => anEvent({ ts: at(i) })));
      await store.events.recordEvents(Array.from({ length: 3 }, (_, i) => anEvent({ ts: at(2000 + i), success: false })));
      const rows = await all<{ ts: string; success: number; payload: string }>(db, 'select ts, success, payload from orchestrator_events');
      expect(rows).toHaveLength(1003);
      expect(
        rows.every(
          (r) => DECNET_TS.test(r.ts) && (r.success === 0 || r.success === 1) && r.payload === '{"banner": "SSH-2.0-OpenSSH_9.2p1"}',
        ),
      ).toBe(true);
    });

    it("writes emails as DECNET's worker does, failed ones with empty message_id, subject and eml_path", async () => {
      await open();
      const sent = anEmail({ ts: new Date('2026-06-20T09:00:00.5Z'), subject: 'Grüße', payload: { stage: 'delivered', bytes: 812 } });
      const failed = anEmail({
        ts: new Date('2026-06-20T09:01:00Z'),
        messageId: '',
        subject: '',
        emlPath: '',
        success: false,
        payload: { error: 'llm timeout' },
      });
      await store.emails.recordEmails([sent, failed]);
      const rows = await all<Record<string, unknown>>(
        db,
        'select ts, message_id, subject, eml_path, success, payload from orchestrator_emails order by ts',
      );
      expect(rows).toEqual([
        {
          ts: '2026-06-20 09:00:00.500000',
          message_id: sent.messageId,
          subject: 'Grüße',
          eml_path: sent.emlPath,
          success: 1,
          payload: '{"stage": "delivered", "bytes": 812}',
        },
        { ts: '2026-06-20 09:01:00.000000', message_id: '', subject: '', eml_path: '', success: 0, payload: '{"error": "llm timeout"}' },
      ]);
      expect(await store.emails.findLatestBetween('BOB@corp.example', 'ann@corp.example')).toEqual(sent);
      expect(await store.emails.pruneEmails(1)).toBe(1);
    });

    it("writes one synthetic_files row per (decky, path), DECNET's columns, updated in place on edit", async () => {
      await open();
      const w = { deckyUuid: 'local:web01', path: '/home/ann/notes.txt', author: 'ann@corp.example', contentClass: 'notes' };
      await store.files.recordWrites([{ ...w, body: 'one\n', mtime: new Date('2026-06-19T10:00:00Z') }]);
      const [first] = await all<{ uuid: string }>(db, 'select uuid from synthetic_files');
      await store.files.recordWrites([{ ...w, body: 'one\ntwo\n', mtime: new Date('2026-06-20T10:00:00Z') }]);
      const rows = await all<Record<string, unknown>>(db, 'select * from synthetic_files');
      expect(rows).toEqual([
        {
          uuid: first!.uuid,
          decky_uuid: 'local:web01',
          path: '/home/ann/notes.txt',
          // no display name given: DECNET's NOT NULL column holds ''; the author key sits in orch_synthetic_file_authors
          persona: '',
          content_class: 'notes',
          created_at: '2026-06-19 10:00:00.000000',
          last_modified: '2026-06-20 10:00:00.000000',
          edit_count: 1,
          content_hash: createHash('sha256').update('one\ntwo\n').digest('hex'),
          last_body: 'one\ntwo\n',
        },
      ]);
      expect(first!.uuid).toMatch(UUID4);
    });

    it("puts the persona's display name in DECNET's column and keeps the planner's author key beside it", async () => {
      await open();
      const w = {
        deckyUuid: 'local:web01',
        path: '/home/akeller/todo.txt',
        author: 'ann.keller@corp.example',
        persona: 'Ann Keller',
        contentClass: 'todo',
      };
      await store.files.recordWrites([{ ...w, body: '- call bob\n', mtime: new Date('2026-06-19T10:00:00Z') }]);
      await store.files.recordWrites([{ ...w, persona: null, body: '- call bob\n- pay rent\n', mtime: new Date('2026-06-19T11:00:00Z') }]);
      expect(await all(db, 'select persona from synthetic_files')).toEqual([{ persona: 'Ann Keller' }]);
      expect(await store.files.getFile('local:web01', '/home/akeller/todo.txt')).toMatchObject({
        author: 'ann.keller@corp.example',
        persona: 'Ann Keller',
        editCount: 1,
      });
    });

    it('reads a file DECNET wrote with its display name as the author', async () => {
      await all(
        db,
        `insert into synthetic_files (uuid, decky_uuid, path, persona, content_class, created_at, last_modified, edit_count, content_hash, last_body)
         values (?, 'local:web01', '/home/bob/notes.md', 'Bob Stone', 'notes', '2026-06-20 08:00:00.000000', '2026-06-20 08:00:00.000000', 0, ?, 'hi')`,
        ['6f1c2b1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', createHash('sha256').update('hi').digest('hex')],
      );
      expect(await (await open()).files.filesOf('local:web01')).toEqual([
        expect.objectContaining({
          path: '/home/bob/notes.md',
          author: 'Bob Stone',
          body: 'hi',
          bodyTruncated: false,
          createdAt: new Date('2026-06-20T08:00:00Z'),
        }),
      ]);
    });

    it('keeps at most 65,536 characters of a body and the hash of all of it', async () => {
      await open();
      const body = 'x'.repeat(70_000);
      await store.files.recordWrites([
        { deckyUuid: 'local:web01', path: '/var/log/big.log', author: null, contentClass: 'daemon-log', body, mtime: new Date() },
      ]);
      const [row] = await all<{ n: number; persona: string; content_hash: string }>(
        db,
        'select length(last_body) as n, persona, content_hash from synthetic_files',
      );
      expect(row!.n).toBeLessThanOrEqual(65_536);
      expect(row!.persona).toBe('');
      expect(row!.content_hash).toBe(createHash('sha256').update(body).digest('hex'));
      expect(await store.files.getFile('local:web01', '/var/log/big.log')).toMatchObject({ bodyTruncated: true, author: null });
    });

    it('keeps the newest events per destination, as DECNET does', async () => {
      await open();
      await store.events.recordEvents(
        Array.from({ length: 12 }, (_, i) => anEvent({ ts: at(i), dstDeckyUuid: i % 2 ? 'local:a' : 'local:b' })),
      );
      expect(await store.events.pruneEvents(4)).toBe(4);
      expect(await all(db, 'select dst_decky_uuid as dst, count(*) as n from orchestrator_events group by dst order by dst')).toEqual([
        { dst: 'local:a', n: 4 },
        { dst: 'local:b', n: 4 },
      ]);
    });
  });
});
