import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BodyEnricher } from '../../src/actors/files/enrich-body.js';
import { createBodyEnricher } from '../../src/actors/files/enrich-body.js';
import { FILE_EDIT_ACTION } from '../../src/actors/files/live-write.js';
import { createPlantFileCall, type PlantFileDeps } from '../../src/actors/plant-file.actor.js';
import { PLANNED_FILE_SCRIPT } from '../../src/actors/drivers/planned-file.driver.js';
import { FakeLlm } from '../../src/infra/llm/impl/fake.js';
import type { RunningDecky } from '../../src/domain/decky.js';
import { openStore, type Store } from '../../src/infra/store/store.factory.js';
import type { SyntheticFilePut, SyntheticFilesPort } from '../../src/infra/store/synthetic-files.port.js';
import type { ActionOutcome } from '../../src/machines/decky/decky.types.js';
import type { FilePlan } from '../../src/machines/policy/file-plan.js';
import { FakeDocker } from '../fakes/fake-docker.js';
import { modelPlannedFiles } from '../fakes/planned-fs.fake.js';
import { tempDir } from '../infra/store/store-fixtures.js';

const WEB: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.11', services: ['ssh'], source: 'fleet', hostUuid: 'local' };
// a Saturday at 03:00 UTC: nobody is at work, so every write is the machine's
const NIGHT = new Date('2025-03-08T03:00:00.000Z');
// a Tuesday at 10:00 UTC: the default accounts work 09:00-18:00 UTC
const DAY = new Date('2025-03-04T10:00:00.000Z');
const plan = (i: number): FilePlan => ({ path: `/home/admin/notes-${i}.txt`, content: `plan ${i}\n` });

async function act(deps: PlantFileDeps, dst: RunningDecky, p: FilePlan): Promise<ActionOutcome> {
  return createPlantFileCall(deps)({ dst, plan: p }, new AbortController().signal);
}

function clock(start: Date, stepMs = 10 * 60_000) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: () => {
      t += stepMs;
    },
  };
}

const sys = (path: string, contentClass: string, body: string, hoursAgo: number): SyntheticFilePut => ({
  deckyUuid: WEB.uuid,
  path,
  author: 'root',
  contentClass,
  createdAt: new Date(NIGHT.getTime() - 30 * 86_400_000),
  lastModified: new Date(NIGHT.getTime() - hoursAgo * 3_600_000),
  editCount: 3,
  body,
});

// a decky whose planned writes land in an in-memory file system (users: the logins that exist on it)
function world(users?: readonly string[]) {
  const docker = new FakeDocker();
  docker.addDecky('web01');
  return { docker, fs: modelPlannedFiles(docker, users ? { users } : {}) };
}

const logLine = (i: number) => `Mar  7 22:${String(i % 60).padStart(2, '0')}:01 web01 backup[4242]: run finished, 12 files\n`;

describe('plantFile call with the store', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  /** asserts that what the decky holds at each recorded path is what the store says, mtime included */
  async function expectDeckyMatchesStore(fs: ReturnType<typeof modelPlannedFiles>, deckyUuid: string) {
    for (const f of await store.files.filesOf(deckyUuid)) {
      const onDisk = fs.file('web01-ssh', f.path);
      if (!onDisk) continue; // seeded rows were never written through the fake
      expect(onDisk.body.toString('utf8'), f.path).toBe(f.body);
      expect(onDisk.mtime, f.path).toBe(Math.floor(f.lastModified.getTime() / 1000));
    }
  }

  it('creates a first file on an empty decky and records it with edit_count 0 and the payload of §3.2', async () => {
    const decky = { ...WEB, uuid: 'local:fresh' };
    const { docker, fs } = world();
    const c = clock(DAY);
    const out = await act({ dockerFor: () => docker, now: c.now, live: { files: store.files } }, decky, plan(1));
    expect(out).toMatchObject({
      kind: 'file',
      action: 'file:create',
      success: true,
      payload: { dst_decky: 'web01', rc: 0, edit: 'create' },
    });
    const path = out.payload.path as string;
    expect(path).not.toMatch(/\d{9,}/);
    expect(path).not.toBe(plan(1).path);
    const row = await store.files.getFile(decky.uuid, path);
    expect(row).toMatchObject({ editCount: 0, contentClass: out.payload.content_class, lastModified: DAY, createdAt: DAY });
    expect(out.payload.bytes).toBe(Buffer.byteLength(row!.body));
    expect(out.payload).not.toHaveProperty('backfilled');
    await expectDeckyMatchesStore(fs, decky.uuid);
  });

  it('waits for a history backfill writing the same decky before it plans, so neither overwrites the other', async () => {
    const decky = { ...WEB, uuid: 'local:backfilling' };
    const { docker } = world();
    let finish!: () => void;
    const backfill = new Promise<void>((r) => {
      finish = r;
    });
    const pending = act(
      {
        dockerFor: () => docker,
        now: clock(DAY).now,
        live: { files: store.files, backfillOf: (uuid) => (uuid === decky.uuid ? backfill : undefined) },
      },
      decky,
      plan(7),
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(docker.calls).toHaveLength(0);
    // what the backfill recorded meanwhile is seen by the plan that follows it
    await store.files.putFiles([{ ...sys('/var/log/backup.log', 'daemon-log', logLine(1), 2), deckyUuid: decky.uuid }]);
    finish();
    const out = await pending;
    expect(out.success).toBe(true);
    expect(docker.calls.length).toBeGreaterThan(0);
    if (out.payload.path === '/var/log/backup.log') expect(out.payload.edit).not.toBe('create');
  });

  it('edits the recorded files over time: each write is an edit whose body and mtime match the store row', async () => {
    await store.files.putFiles([
      sys('/var/log/backup.log', 'daemon-log', logLine(1), 5),
      sys('/var/cache/backup/last-run', 'cache', 'last_run=2025-03-07T22:00:01\nstatus=ok\n', 4),
      sys('/etc/cron.d/backup-nightly', 'cron', '15 2 * * * root /usr/local/bin/backup-home.sh\n', 48),
      sys('/var/log/sync-agent.log', 'daemon-log', logLine(2), 2),
    ]);
    const { docker, fs } = world();
    const c = clock(NIGHT);
    const before = new Map((await store.files.filesOf(WEB.uuid)).map((f) => [f.path, f.editCount]));
    const touched = new Map<string, number>();
    for (let i = 0; i < 8; i += 1) {
      const out = await act({ dockerFor: () => docker, now: c.now, live: { files: store.files } }, WEB, plan(i));
      expect(out, JSON.stringify(out.payload)).toMatchObject({ action: FILE_EDIT_ACTION, success: true, payload: { author: 'root' } });
      expect(['append', 'rewrite', 'revise', 'rotate']).toContain(out.payload.edit);
      touched.set(out.payload.path as string, (touched.get(out.payload.path as string) ?? 0) + 1);
      c.advance();
    }
    for (const [path, n] of touched) expect((await store.files.getFile(WEB.uuid, path))?.editCount).toBe((before.get(path) ?? -1) + n);
    // the machine's files go through the planned writer, bodies on stdin, and stay root's
    expect(docker.calls.every((call) => call.argv.length === 7 && call.argv[2] === PLANNED_FILE_SCRIPT)).toBe(true);
    expect([...fs.files.values()].every((f) => f.owner === undefined)).toBe(true);
    await expectDeckyMatchesStore(fs, WEB.uuid);
  });

  it('rotates a log past its size to <path>.1 with the old body and old mtime, on the decky and in the store', async () => {
    const decky = { ...WEB, uuid: 'local:logs' };
    const big = Array.from({ length: 600 }, (_, i) => logLine(i)).join('');
    await store.files.putFiles(
      ['backup', 'sync-agent', 'app/worker', 'inventory-agent'].map((d, i) => ({
        ...sys(`/var/log/${d}.log`, 'daemon-log', big, 3 + i),
        deckyUuid: decky.uuid,
      })),
    );
    const { docker, fs } = world();
    const out = await act({ dockerFor: () => docker, now: () => NIGHT, live: { files: store.files } }, decky, plan(1));
    expect(out.payload).toMatchObject({ edit: 'rotate' });
    const path = out.payload.path as string;
    const rotated = await store.files.getFile(decky.uuid, `${path}.1`);
    expect(rotated?.body).toBe(big);
    expect(fs.file('web01-ssh', `${path}.1`)?.body.toString()).toBe(big);
    expect(fs.file('web01-ssh', `${path}.1`)?.mtime).toBe(Math.floor(rotated!.lastModified.getTime() / 1000));
    expect((await store.files.getFile(decky.uuid, path))?.body.length).toBeLessThan(big.length);
    await expectDeckyMatchesStore(fs, decky.uuid);
  });

  it('never plans an edit of a recorded path the writer would refuse', async () => {
    const decky = { ...WEB, uuid: 'local:hostile' };
    const hostile = [
      '/var/log/../../etc/passwd',
      '/var/log/x\ntouch /tmp/canary.log',
      'var/log/relative.log',
      '/var/cache/./x',
      '/var/log/decnet.log',
      '/usr/lib/x.log',
    ];
    await store.files.putFiles(
      hostile.map((p, i) => ({ ...sys(p, i % 2 ? 'cache' : 'daemon-log', logLine(i), 1), deckyUuid: decky.uuid })),
    );
    const { docker } = world();
    const c = clock(NIGHT);
    for (let i = 0; i < 6; i += 1) {
      const out = await act({ dockerFor: () => docker, now: c.now, live: { files: store.files } }, decky, plan(i));
      expect(out.success).toBe(true);
      c.advance();
    }
    expect(docker.calls.map((call) => call.argv[4])).not.toEqual(expect.arrayContaining(hostile));
  });

  it.each([
    'web01; touch /tmp/canary',
    'web01$(id)',
    "it's",
    'a b',
    '../web01',
    'web01\nx',
    '',
  ])('refuses the hostile decky name %j without an exec or a store write', async (name) => {
    const docker = new FakeDocker();
    const files = throwingFiles();
    const out = await act({ dockerFor: () => docker, now: () => DAY, live: { files } }, { ...WEB, name }, plan(1));
    expect(out).toMatchObject({ success: false, payload: { rc: null } });
    expect(out.payload.stderr).toMatch(/refused/);
    expect(docker.calls).toEqual([]);
  });

  it('writes the supervisor plan as before when the store cannot be read, and says so', async () => {
    const docker = new FakeDocker();
    docker.addDecky('web01');
    const files = throwingFiles();
    const out = await act({ dockerFor: () => docker, now: () => DAY, live: { files } }, WEB, plan(7));
    expect(out).toMatchObject({
      action: 'file:create',
      success: true,
      payload: { path: plan(7).path, planner: 'fallback', recorded: false },
    });
    expect(docker.fileAt('web01-ssh', plan(7).path)?.content.toString()).toBe(plan(7).content);
  });

  it('without the store writes the plan as is (the pure supervisor planner)', async () => {
    const docker = new FakeDocker();
    docker.addDecky('web01');
    const out = await act({ dockerFor: () => docker, now: () => DAY }, WEB, plan(3));
    expect(out).toMatchObject({ action: 'file:create', success: true, payload: { path: plan(3).path } });
    expect(docker.calls).toHaveLength(1);
  });

  it('records nothing when the write fails', async () => {
    const decky = { ...WEB, uuid: 'local:failing' };
    const { docker } = world();
    docker.scriptNextExec('web01-ssh', { kind: 'result', result: { rc: 1, stderr: 'sh: cannot create: Read-only file system\n' } });
    const out = await act({ dockerFor: () => docker, now: () => DAY, live: { files: store.files } }, decky, plan(1));
    expect(out).toMatchObject({ success: false, payload: { rc: 1 } });
    expect(await store.files.filesOf(decky.uuid)).toEqual([]);
  });

  it('writes as the decky’s personas, in their home and inside their hours, when personas are in scope', async () => {
    const decky = { ...WEB, uuid: 'local:personas' };
    const { docker, fs } = world(['akeller']);
    const persona = {
      name: 'Ann Keller',
      email: 'ann.keller@corp.example',
      role: 'engineer',
      tone: 'direct' as const,
      mannerisms: [],
      language: 'en',
      signature: null,
      active_hours: '09:00-17:30',
      reply_latency: 'normal' as const,
      uses_llms_heavily: false,
      timezone: 'Europe/Berlin',
    };
    const asked: string[] = [];
    const personasFor = async (d: RunningDecky) => {
      asked.push(d.uuid);
      return [persona];
    };
    const c = clock(DAY);
    const authors = new Set<unknown>();
    for (let i = 0; i < 10; i += 1) {
      const out = await act(
        { dockerFor: () => docker, now: c.now, live: { files: store.files, personasFor, hostZone: 'UTC' } },
        decky,
        plan(i),
      );
      authors.add(out.payload.author);
      if (out.payload.author === persona.email) {
        expect(out.payload.path).toMatch(/^\/home\/akeller\//);
        // the writer's login owns their file on the decky: no root-owned note in their home
        expect(fs.file('web01-ssh', out.payload.path as string)?.owner, String(out.payload.path)).toBe('akeller');
      } else expect(fs.file('web01-ssh', out.payload.path as string)?.owner).toBeUndefined();
      c.advance();
    }
    expect(authors).toContain(persona.email);
    expect([...authors].every((a) => a === persona.email || a === 'root')).toBe(true);
    expect(asked.every((u) => u === decky.uuid)).toBe(true);
  });

  it('gives a new note, todo or draft the LLM body when enrichment is on, and records that body', async () => {
    const decky = { ...WEB, uuid: 'local:llm' };
    const { docker, fs } = world();
    const llm = new FakeLlm({
      output:
        '```\n- [ ] renew the VPN certificate before the 14th \u2014 ask Bob\n- [ ] move the backup window to 02:30\n- [x] close the printer ticket\n```',
    });
    const seen: string[] = [];
    const inner = createBodyEnricher(llm, { timeoutMs: 500 });
    const enrich: BodyEnricher = async (req) => {
      seen.push(req.contentClass);
      return inner({ ...req, contentClass: 'todo' });
    };
    const c = clock(DAY);
    let out: ActionOutcome | undefined;
    // people write most daytime files; a few draws may still be the machine's
    for (let i = 0; i < 60 && out?.payload.body_source !== 'llm'; i += 1) {
      out = await act({ dockerFor: () => docker, now: c.now, live: { files: store.files, enrich } }, decky, plan(i));
      c.advance();
    }
    expect(out?.payload.body_source).toBe('llm');
    const row = await store.files.getFile(decky.uuid, out!.payload.path as string);
    expect(row?.body).toBe(
      '- [ ] renew the VPN certificate before the 14th, ask Bob\n- [ ] move the backup window to 02:30\n- [x] close the printer ticket\n',
    );
    expect(seen.every((cls) => ['notes', 'todo', 'draft'].includes(cls))).toBe(true);
    await expectDeckyMatchesStore(fs, decky.uuid);
  });

  it('refuses a live body that names the product: a failed file event saying so, nothing written or recorded', async () => {
    const decky = { ...WEB, uuid: 'local:product' };
    const { docker, fs } = world();
    const enrich: BodyEnricher = async () => ({ body: 'notes from the DecNet rollout\n', source: 'llm' });
    const c = clock(DAY);
    let out: ActionOutcome | undefined;
    for (let i = 0; i < 60 && out?.payload.body_source !== 'llm'; i += 1) {
      out = await act({ dockerFor: () => docker, now: c.now, live: { files: store.files, enrich } }, decky, plan(i));
      c.advance();
    }
    expect(out).toMatchObject({
      kind: 'file',
      action: 'file:create',
      success: false,
      payload: { rc: null, stderr: 'refused: body names the product', body_source: 'llm' },
    });
    expect(fs.file('web01-ssh', out!.payload.path as string)).toBeUndefined();
    expect(await store.files.getFile(decky.uuid, out!.payload.path as string)).toBeNull();
    expect(
      docker.calls.some((call) =>
        Buffer.from(call.stdin ?? '')
          .toString()
          .includes('DecNet'),
      ),
    ).toBe(false);
  });
});

// a store that cannot be read; anything else it is asked is a test bug
function throwingFiles(): SyntheticFilesPort {
  const no = (what: string) => () => Promise.reject(new Error(`not implemented: ${what}`));
  return {
    filesOf: () => Promise.reject(new Error('database is locked')),
    recordWrites: () => Promise.reject(new Error('database is locked')),
    putFiles: no('putFiles'),
    listFiles: no('listFiles'),
    getFile: no('getFile'),
  };
}
