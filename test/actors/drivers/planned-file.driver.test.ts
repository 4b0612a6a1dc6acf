import { describe, expect, it } from 'vitest';
import { FILE_ACTION } from '../../../src/actors/drivers/file.driver.js';
import {
  buildPlannedFileExecs,
  PLANNED_CHUNK_BYTES,
  PLANNED_FILE_MAX_BYTES,
  PLANNED_FILE_SCRIPT,
  plannedOwner,
  plannedPathProblem,
  runPlannedFile,
  writePlannedFile,
} from '../../../src/actors/drivers/planned-file.driver.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';

const MTIME = new Date('2025-03-04T09:14:07.900Z');
const SECS = String(Math.floor(MTIME.getTime() / 1000));

function world(opts: { users?: readonly string[] } = {}) {
  const fake = new FakeDocker();
  fake.addDecky('web01');
  return { fake, fs: modelPlannedFiles(fake, opts) };
}

describe('planned-file writer', () => {
  it('passes path, @epoch, step and owner as positional arguments and the body on stdin only', () => {
    const built = buildPlannedFileExecs(
      'web01',
      { path: '/home/ann/notes.txt', body: 'secret body', mtime: MTIME, owner: 'ann' },
      { timeoutMs: 5000 },
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.execs).toHaveLength(1);
    const [exec] = built.execs;
    expect(exec!.container).toBe('web01-ssh');
    expect(exec!.argv).toEqual(['sh', '-c', PLANNED_FILE_SCRIPT, 'sh', '/home/ann/notes.txt', `@${SECS}`, 'put', 'ann']);
    expect(exec!.argv.join(' ')).not.toContain('secret body');
    expect(Buffer.from(exec!.stdin!).toString()).toBe('secret body');
    expect(exec!.timeoutMs).toBe(5000);
    expect(exec!.maxOutputBytes).toBeGreaterThan(0);
  });

  it('streams a 200 KiB body over stdin in chunks (begin, add…, commit): no body byte in any argv, each stdin within a chunk', async () => {
    const { fake, fs } = world();
    const body = Buffer.alloc(200 * 1024, 'log line of a busy daemon\n').toString('utf8');
    const out = await writePlannedFile(fake, 'web01', { path: '/var/log/backup.log', body, mtime: MTIME });
    expect(out).toMatchObject({ success: true, execs: 5 });
    expect(fake.calls.map((c) => c.argv[6])).toEqual(['begin', 'add', 'add', 'add', 'commit']);
    for (const c of fake.calls) {
      expect(c.stdin!.length).toBeLessThanOrEqual(PLANNED_CHUNK_BYTES);
      expect(c.argv.join('').length).toBeLessThan(PLANNED_FILE_SCRIPT.length + 100);
    }
    const written = fs.file('web01-ssh', '/var/log/backup.log');
    expect(written?.body.equals(Buffer.from(body))).toBe(true);
    expect(written).toMatchObject({ mtime: Number(SECS) });
    expect(written).not.toHaveProperty('owner');
  });

  it('drops the half-written file when a chunk fails, stops sending, and says why', async () => {
    const { fake, fs } = world();
    fs.failOn('add');
    const out = await writePlannedFile(fake, 'web01', {
      path: '/var/log/backup.log',
      body: 'y'.repeat(PLANNED_CHUNK_BYTES * 2 + 1),
      mtime: MTIME,
    });
    expect(out).toMatchObject({ success: false, rc: 1, stderr: expect.stringContaining('No space left') });
    expect(fake.calls.map((c) => c.argv[6])).toEqual(['begin', 'add', 'abort']);
    expect(fs.partials.size).toBe(0);
    expect(fs.files.size).toBe(0);
  });

  it.each([
    ["/home/ann/x'; touch /tmp/pwned; '.txt", undefined],
    ['/home/ann/$(touch /tmp/pwned).txt', undefined],
    ['/home/ann/`id`.txt', undefined],
    ['/home/ann/a b "c".txt', undefined],
    ['/home/ann/../../etc/shadow', 'path contains . or .. segments'],
    ['/home/ann/x\ntouch /tmp/pwned', 'path contains control characters'],
    ['relative/notes.txt', 'path is not absolute'],
    ['/usr/bin/ls', 'path is outside the directories a planned file is written to'],
    ['/home/decnet/notes.txt', 'path names the product'],
    ['/home/ann/', 'path names a directory'],
  ])('judges the path %j: %s', (path, problem) => {
    expect(plannedPathProblem(path)).toBe(problem);
    const built = buildPlannedFileExecs('web01', { path, body: 'b', mtime: MTIME });
    if (problem) expect(built).toEqual({ ok: false, reason: `refused: ${problem}` });
    // an accepted hostile path is one argv element, never part of the script
    else expect(built.ok && built.execs[0]!.argv[4]).toBe(path);
  });

  it('refuses bad decky names, bad owners, invalid mtimes, oversized bodies and bodies that name the product, without any exec', async () => {
    const fake = new FakeDocker();
    const file = { path: '/home/ann/n.txt', body: 'ok', mtime: MTIME };
    for (const [name, f] of [
      ['web01; rm -rf /', file],
      ['web01', { ...file, owner: 'root; id' }],
      ['web01', { ...file, owner: '-R' }],
      ['web01', { ...file, mtime: new Date(Number.NaN) }],
      ['web01', { ...file, body: 'deployed by DECNET' }],
      ['web01', { ...file, body: 'x'.repeat(PLANNED_FILE_MAX_BYTES + 1) }],
    ] as const) {
      const out = await writePlannedFile(fake, name, f);
      expect(out).toMatchObject({ success: false, rc: null, execs: 0 });
      expect(out.stderr).toMatch(/^refused: /);
    }
    expect(fake.calls).toHaveLength(0);
  });

  it('reads its positionals once, into variables, and never evaluates them', () => {
    const head = 'p=$1; when=$2; step=$3; owner=""; mode=""; if [ $# -ge 4 ]; then owner=$4; fi; if [ $# -ge 5 ]; then mode=$5; fi';
    expect(PLANNED_FILE_SCRIPT).toContain(head);
    expect(PLANNED_FILE_SCRIPT.replace(head, '')).not.toMatch(/\$[0-9*#]/);
    // "$@" only where `as` passes its own fixed command on
    expect(
      PLANNED_FILE_SCRIPT.split('\n')
        .filter((l) => l.includes('$@'))
        .every((l) => l.startsWith('as() {')),
    ).toBe(true);
    expect(PLANNED_FILE_SCRIPT).not.toMatch(/\beval\b|\bsh -c\b/);
  });

  it("gives a user's file to its writer when that login exists, and leaves root's files and unknown logins alone", async () => {
    const { fake, fs } = world({ users: ['ann'] });
    await writePlannedFile(fake, 'web01', { path: '/home/ann/todo.txt', body: '- [ ] x\n', mtime: MTIME, owner: 'ann' });
    await writePlannedFile(fake, 'web01', { path: '/home/bob/todo.txt', body: '- [ ] y\n', mtime: MTIME, owner: 'bob' });
    await writePlannedFile(fake, 'web01', { path: '/var/log/backup.log', body: 'ok\n', mtime: MTIME });
    expect(fs.file('web01-ssh', '/home/ann/todo.txt')?.owner).toBe('ann');
    expect(fs.file('web01-ssh', '/home/bob/todo.txt')?.owner).toBeUndefined();
    expect(fs.file('web01-ssh', '/var/log/backup.log')?.owner).toBeUndefined();
  });

  it('owns only user files: the writer’s login for notes, todos, drafts and scripts, nobody for logs, caches, cron or root', () => {
    expect(['notes', 'todo', 'draft', 'script'].map((c) => plannedOwner(c, 'ann'))).toEqual(['ann', 'ann', 'ann', 'ann']);
    expect(['daemon-log', 'cache', 'cron'].map((c) => plannedOwner(c, 'ann'))).toEqual([undefined, undefined, undefined]);
    expect(plannedOwner('notes', 'root')).toBeUndefined();
    expect(plannedOwner('notes', undefined)).toBeUndefined();
  });

  it('reports a write as a §3.2 file event, and a refused body as a failed one naming why', async () => {
    const { fake } = world();
    const body = 'z'.repeat(PLANNED_CHUNK_BYTES + 1);
    const ok = await runPlannedFile(fake, 'web01', { path: '/home/ann/notes.md', body, mtime: MTIME, owner: 'ann' });
    expect(ok).toMatchObject({
      kind: 'file',
      action: FILE_ACTION,
      success: true,
      payload: { dst_decky: 'web01', path: '/home/ann/notes.md', bytes: body.length, rc: 0, chunks: 2, owner: 'ann' },
    });
    const calls = fake.calls.length;
    const refused = await runPlannedFile(fake, 'web01', { path: '/home/ann/notes.md', body: 'set up by decnet', mtime: MTIME });
    expect(refused).toMatchObject({ kind: 'file', success: false, payload: { rc: null, stderr: 'refused: body names the product' } });
    expect(fake.calls).toHaveLength(calls);
  });
});
