import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlantFileCall } from '../../src/actors/plant-file.actor.js';
import { backfillDecky } from '../../src/actors/realism/backfill.js';
import { silentLogger } from '../../src/infra/log/logger.port.js';
import { createDockerodePort } from '../../src/infra/docker/impl/dockerode.js';
import {
  buildPlannedFileExecs,
  PLANNED_CHUNK_BYTES,
  runPlannedFile,
  writePlannedFile,
} from '../../src/actors/drivers/planned-file.driver.js';
import type { Persona } from '../../src/domain/persona.js';
import type { RunningDecky } from '../../src/domain/decky.js';
import { openStore, type Store } from '../../src/infra/store/store.factory.js';
import type { ActionOutcome } from '../../src/machines/decky/decky.types.js';
import { persona } from '../builders/emailgen.builders.js';
import { EngineFixture } from '../infra/docker/engine.fixture.js';
import { tempDir } from '../infra/store/store-fixtures.js';
import { hasDocker } from '../support/docker-available.js';

const fx = new EngineFixture('dnt-lf');
const port = createDockerodePort({ hostId: 'local', defaultTimeoutMs: 8000 });
const DECKY = `${fx.prefix}-web01`;
const CONTAINER = `${DECKY}-ssh`;
const CANARY = `/tmp/${fx.prefix}-canary`;
const decky: RunningDecky = { uuid: `local:${DECKY}`, name: DECKY, ip: null, services: ['ssh'], source: 'fleet', hostUuid: 'local' };
// a Saturday night: only the machine writes, so a handful of actions keeps returning to its few files
const NIGHT = Date.parse('2025-03-08T02:00:00Z');
// a Tuesday morning: the persona is at work and writes most files
const DAY = Date.parse('2025-03-04T09:00:00Z');
const ANN: Persona = persona({
  name: 'Ann Keller',
  email: 'ann.keller@corp.example',
  role: 'engineer',
  tone: 'direct',
  mannerisms: [],
  active_hours: '08:00-18:00',
  timezone: 'UTC',
});

async function sh(script: string, ...args: string[]): Promise<string> {
  const r = await port.exec({ container: CONTAINER, argv: ['sh', '-c', script, 'sh', ...args] });
  expect(r.rc, r.stderr).toBe(0);
  return r.stdout;
}

describe.runIf(hasDocker)('live file actions on the real engine', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    await fx.decky({ name: DECKY, services: ['ssh'] });
  });
  afterAll(async () => {
    await store.close();
    await fx.cleanup();
    port.close();
    await tmp.cleanup();
  });

  it('successive file actions edit an existing file whose stat mtime and content match the store row', async () => {
    let t = NIGHT;
    const call = createPlantFileCall({ dockerFor: () => port, now: () => new Date(t), live: { files: store.files } });
    const outcomes: ActionOutcome[] = [];
    // the first action creates; later ones mostly edit what is there, until one file was edited twice
    for (let i = 0; i < 25; i += 1) {
      const plan = { path: `/home/admin/notes-${i}.txt`, content: `plan ${i}\n` };
      const out = await call({ dst: decky, plan }, new AbortController().signal);
      expect(out.success, JSON.stringify(out.payload)).toBe(true);
      outcomes.push(out);
      t += 17 * 60_000;
      if ((await store.files.filesOf(decky.uuid)).some((f) => f.editCount >= 2)) break;
    }
    expect(outcomes[0]).toMatchObject({ action: 'file:create' });
    expect(outcomes.some((o) => o.action === 'file:edit')).toBe(true);
    const files = await store.files.filesOf(decky.uuid);
    const edited = files.find((f) => f.editCount >= 2);
    expect(edited, JSON.stringify(files.map((f) => [f.path, f.editCount]))).toBeDefined();
    const out = await sh('for p in "$@"; do stat -c %Y -- "$p"; sha256sum < "$p" | cut -d" " -f1; done', ...files.map((f) => f.path));
    const lines = out.trim().split('\n');
    files.forEach((f, i) => {
      expect(Number(lines[2 * i]), f.path).toBe(Math.floor(f.lastModified.getTime() / 1000));
      expect(lines[2 * i + 1], f.path).toBe(f.contentHash);
    });
    expect(edited!.lastModified.getTime()).toBeGreaterThan(edited!.createdAt.getTime());
  });

  it("writes a person's live file as that login when it exists on the decky, and the machine's files as root", async () => {
    await sh('useradd -m -s /bin/bash -- "$1"', 'akeller');
    let t = DAY;
    const personasFor = async () => [ANN];
    const call = createPlantFileCall({
      dockerFor: () => port,
      now: () => new Date(t),
      live: { files: store.files, personasFor, hostZone: 'UTC' },
    });
    const mine: string[] = [];
    const machine: string[] = [];
    for (let i = 0; i < 30 && (mine.length === 0 || machine.length === 0); i += 1) {
      const plan = { path: `/home/admin/notes-${i}.txt`, content: `plan ${i}\n` };
      const out = await call({ dst: { ...decky, uuid: `local:${DECKY}:people` }, plan }, new AbortController().signal);
      expect(out.success, JSON.stringify(out.payload)).toBe(true);
      (out.payload.author === ANN.email ? mine : machine).push(out.payload.path as string);
      t += 23 * 60_000;
    }
    expect(mine.length, 'a write by the persona').toBeGreaterThan(0);
    expect(machine.length, 'a write by the machine').toBeGreaterThan(0);
    for (const path of mine) {
      expect(path).toMatch(/^\/home\/akeller\//);
      expect(await sh('stat -c %U:%G -- "$1"', path), path).toBe('akeller:akeller\n');
    }
    for (const path of machine) expect(await sh('stat -c %U -- "$1"', path), path).toBe('root\n');
    expect(await sh('stat -c %U -- /home/akeller')).toBe('akeller\n');
  });

  it("creates a missing home for a login that exists as that login's, and never hands a file to a login that does not exist", async () => {
    await sh('useradd -M -s /bin/bash -- "$1"', 'bstone');
    const mtime = new Date('2025-02-11T09:41:00Z');
    const a = await writePlannedFile(port, DECKY, { path: '/home/bstone/notes/vpn.md', body: 'renew the cert\n', mtime, owner: 'bstone' });
    expect(a.success, a.stderr).toBe(true);
    expect(await sh('stat -c %U -- /home/bstone /home/bstone/notes /home/bstone/notes/vpn.md')).toBe('bstone\nbstone\nbstone\n');
    const b = await writePlannedFile(port, DECKY, { path: '/home/nosuch/todo.txt', body: '- [ ] x\n', mtime, owner: 'nosuch' });
    expect(b.success, b.stderr).toBe(true);
    expect(await sh('stat -c %U -- /home/nosuch/todo.txt')).toBe('root\n');
  });

  it('streams a 200 KiB body in chunks to a hostile but valid path, keeps owner and mode across edits, and runs nothing it was given', async () => {
    const mtime = new Date('2025-02-11T09:41:00Z');
    const body = 'Feb 11 09:41:00 web01 backup[4242]: copied 12 files\n'.repeat(4000); // ~200 KiB
    for (const path of [`/home/ann/x'; touch ${CANARY}; '.log`, `/home/ann/$(touch ${CANARY}).log`, '/home/ann/`id` "q".log']) {
      const w = await runPlannedFile(port, DECKY, { path, body, mtime });
      expect(w, JSON.stringify(w.payload)).toMatchObject({ success: true, payload: { chunks: 5 } });
      expect(await sh('stat -c %Y -- "$1"; sha256sum < "$1" | cut -d" " -f1', path)).toBe(
        `${mtime.getTime() / 1000}\n${createHash('sha256').update(body).digest('hex')}\n`,
      );
    }
    expect((await port.exec({ container: CONTAINER, argv: ['test', '-e', CANARY] })).rc).toBe(1);
    expect(await sh('find /home/ann -name "*.partial"')).toBe('');
    // an edit of a machine file keeps whatever owner and mode it has
    await sh('chown nobody:nogroup -- "$1" && chmod 640 -- "$1"', '/home/ann/`id` "q".log');
    const again = await runPlannedFile(port, DECKY, { path: '/home/ann/`id` "q".log', body: `${body}one more line\n`, mtime });
    expect(again.success).toBe(true);
    expect(await sh('stat -c "%U %a" -- "$1"', '/home/ann/`id` "q".log')).toBe('nobody 640\n');
    // an edit of a user's file keeps its mode and stays theirs
    await sh('id -u akeller >/dev/null 2>&1 || useradd -m -- akeller');
    const path = '/home/akeller/draft-mail.txt';
    expect((await writePlannedFile(port, DECKY, { path, body: 'hi,\n', mtime, owner: 'akeller' })).success).toBe(true);
    await sh('chmod 600 -- "$1"', path);
    expect((await writePlannedFile(port, DECKY, { path, body: `hi,\n${body}`, mtime, owner: 'akeller' })).success).toBe(true);
    expect(await sh('stat -c "%U %a %s" -- "$1"', path)).toBe(`akeller 600 ${Buffer.byteLength(`hi,\n${body}`)}\n`);
  });

  it.each(['/home/ann', '/home/akeller'])('in %s never writes through a link planted in place of a partial or a target', async (home) => {
    await sh('id -u akeller >/dev/null 2>&1 || useradd -m -- akeller');
    const target = `/tmp/${fx.prefix}-target`;
    await sh('printf "root:x:0:0\\n" > "$1" && chmod 600 -- "$1"', target);
    const mtime = new Date('2025-02-11T09:41:00Z');
    const built = buildPlannedFileExecs(DECKY, { path: `${home}/big.log`, body: 'x'.repeat(PLANNED_CHUNK_BYTES * 2 + 1), mtime });
    if (!built.ok) throw new Error(built.reason);
    const [begin, add, commit] = built.execs;
    expect((await port.exec(begin!)).rc).toBe(0);
    // in a person's own directory the partial is theirs: every step ran as them, not as root
    expect(await sh('stat -c %U -- "$1"', `${home}/.big.log.partial`)).toBe(home === '/home/akeller' ? 'akeller\n' : 'root\n');
    // someone with the directory swaps the partial for a link to a file they want root to write
    await sh('rm -f -- "$1" && ln -s -- "$2" "$1"', `${home}/.big.log.partial`, target);
    expect((await port.exec(add!)).rc).toBe(3);
    expect((await port.exec(commit!)).rc).toBe(3);
    expect(await sh('cat -- "$1"; stat -c "%U %a" -- "$1"', target)).toBe('root:x:0:0\nroot 600\n');
    // a link planted at the target itself is replaced, never written through
    await sh('ln -sf -- "$2" "$1"', `${home}/notes.txt`, target);
    const w = await writePlannedFile(port, DECKY, { path: `${home}/notes.txt`, body: 'fresh\n', mtime, owner: 'akeller' });
    expect(w.success, w.stderr).toBe(true);
    expect(await sh('cat -- "$1"; stat -c "%U %a" -- "$1"; test ! -L "$2" && cat -- "$2"', target, `${home}/notes.txt`)).toBe(
      'root:x:0:0\nroot 600\nfresh\n',
    );
    expect(await sh('find "$1" -name "*.partial"', home)).toBe('');
  });
});

describe.runIf(hasDocker)('files on the accounts a decky really has, on the real engine', () => {
  const acct = new EngineFixture('dnt-acct');
  const WITH = `${acct.prefix}-web01`;
  const WITHOUT = `${acct.prefix}-web02`;
  const at = (name: string): RunningDecky => ({
    uuid: `local:${name}`,
    name,
    ip: null,
    services: ['ssh'],
    source: 'fleet',
    hostUuid: 'local',
  });
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  const homeListing = async (name: string) => {
    const r = await port.exec({ container: `${name}-ssh`, argv: ['find', '/home', '-mindepth', '1', '-printf', '%u %m %p\\n'] });
    expect(r.rc, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((l) => l !== '');
  };
  // a backfilled past, then a working day of live actions, as the daemon would do them
  async function writeAll(name: string): Promise<number> {
    const deps = {
      dockerFor: () => port,
      files: store.files,
      events: store.events,
      personasFor: async () => [ANN],
      hostZone: 'UTC',
      logger: silentLogger,
    };
    const past = await backfillDecky(at(name), deps, { days: 10, now: new Date(DAY), seed: 3 });
    expect(past.failed).toEqual([]);
    let t = DAY;
    const call = createPlantFileCall({
      dockerFor: () => port,
      now: () => new Date(t),
      live: { files: store.files, personasFor: async () => [ANN], hostZone: 'UTC' },
    });
    for (let i = 0; i < 12; i += 1) {
      const out = await call(
        { dst: at(name), plan: { path: `/home/admin/notes-${i}.txt`, content: `plan ${i}\n` } },
        new AbortController().signal,
      );
      expect(out.success, JSON.stringify(out.payload)).toBe(true);
      t += 29 * 60_000;
    }
    return past.files;
  }

  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    await acct.decky({ name: WITH, services: ['ssh'] });
    await acct.decky({ name: WITHOUT, services: ['ssh'] });
    const made = await acct.sh(`${WITH}-ssh`, 'useradd -m -s /bin/bash -c "John Doe" jdoe');
    expect(made.rc, made.out).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await acct.cleanup();
    await tmp.cleanup();
  });

  it('puts a persona’s files under /home/jdoe, owned by jdoe with the modes their tools leave, when jdoe is the decky’s only person', async () => {
    expect(await writeAll(WITH)).toBeGreaterThan(3);
    const listing = await homeListing(WITH);
    expect(listing[0]).toBe('jdoe 755 /home/jdoe');
    const files = listing.slice(1);
    expect(files.length).toBeGreaterThan(3);
    for (const line of files) expect(line).toMatch(/^jdoe \d{3} \/home\/jdoe\//);
    const recorded = (await store.files.filesOf(`local:${WITH}`)).filter((f) => f.author === ANN.email);
    expect(recorded.length).toBeGreaterThan(3);
    const modes = new Map(files.map((l) => [l.split(' ')[2]!, l.split(' ')[1]!]));
    for (const f of recorded)
      expect(modes.get(f.path), f.path).toBe(f.contentClass === 'draft' ? '600' : f.contentClass === 'script' ? '755' : '644');
  });

  it('gives a decky without a login account the machine’s files only: no /home/* at all', async () => {
    expect(await writeAll(WITHOUT)).toBeGreaterThan(0);
    expect(await homeListing(WITHOUT)).toEqual([]);
    const recorded = await store.files.filesOf(`local:${WITHOUT}`);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.filter((f) => f.path.startsWith('/home/'))).toEqual([]);
  });
});
