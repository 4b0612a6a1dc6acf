import { describe, expect, it } from 'vitest';
import {
  BACKFILL_SCRIPT,
  CHUNK_BYTES,
  backfillPathProblem,
  buildBackfillExecs,
  directoriesToSettle,
  settleDirectories,
  writeBackfillFile,
} from '../../../src/infra/realism/backfill-writer.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelBackfill } from './backfill-fs.fake.js';

const MTIME = new Date('2025-03-04T09:14:07.900Z');
const SECS = String(Math.floor(MTIME.getTime() / 1000));

describe('backfill writer', () => {
  it('passes path, @epoch and step as positional arguments and the body on stdin only', () => {
    const built = buildBackfillExecs('web01', { path: '/home/ann/notes.txt', body: 'secret body', mtime: MTIME, owner: 'ann' }, { timeoutMs: 5000 });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.execs).toHaveLength(1);
    const [exec] = built.execs;
    expect(exec!.container).toBe('web01-ssh');
    expect(exec!.argv).toEqual(['sh', '-c', BACKFILL_SCRIPT, 'sh', '/home/ann/notes.txt', `@${SECS}`, 'put', 'ann']);
    expect(exec!.argv.join(' ')).not.toContain('secret body');
    expect(Buffer.from(exec!.stdin!).toString()).toBe('secret body');
    expect(exec!.timeoutMs).toBe(5000);
    expect(exec!.maxOutputBytes).toBeGreaterThan(0);
  });

  it('streams a large body in chunks over several execs: begin, add…, commit', async () => {
    const fake = new FakeDocker();
    fake.addDecky('web01');
    const fs = modelBackfill(fake);
    const body = 'x'.repeat(CHUNK_BYTES * 3 + 17);
    const out = await writeBackfillFile(fake, 'web01', { path: '/var/log/backup.log', body, mtime: MTIME });
    expect(out).toMatchObject({ success: true, execs: 4 });
    expect(fake.calls.map((c) => c.argv[6])).toEqual(['begin', 'add', 'add', 'commit']);
    for (const c of fake.calls) expect(c.stdin!.length).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(fs.file('web01-ssh', '/var/log/backup.log')).toEqual({ body: Buffer.from(body), mtime: Number(SECS) });
  });

  it('drops the half-written file when a chunk fails, and says why', async () => {
    const fake = new FakeDocker();
    fake.addDecky('web01');
    const fs = modelBackfill(fake);
    fs.failOn('add');
    const out = await writeBackfillFile(fake, 'web01', { path: '/var/log/backup.log', body: 'y'.repeat(CHUNK_BYTES * 2 + 1), mtime: MTIME });
    expect(out).toMatchObject({ success: false, rc: 1, stderr: expect.stringContaining('No space left') });
    expect(fake.calls.at(-1)!.argv[6]).toBe('abort');
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
    ['/usr/bin/ls', 'path is outside the directories a backfill writes'],
    ['/home/decnet/notes.txt', 'path names the product'],
    ['/home/ann/', 'path names a directory'],
  ])('judges the path %j: %s', (path, problem) => {
    expect(backfillPathProblem(path)).toBe(problem);
    const built = buildBackfillExecs('web01', { path, body: 'b', mtime: MTIME });
    if (problem) expect(built).toEqual({ ok: false, reason: `refused: ${problem}` });
    // an accepted hostile path is one argv element, never part of the script
    else expect(built.ok && built.execs[0]!.argv[4]).toBe(path);
  });

  it('refuses bad decky names, bad owners, invalid mtimes and bodies that name the product, without any exec', async () => {
    const fake = new FakeDocker();
    const file = { path: '/home/ann/n.txt', body: 'ok', mtime: MTIME };
    for (const [name, f] of [
      ['web01; rm -rf /', file],
      ['web01', { ...file, owner: 'root; id' }],
      ['web01', { ...file, mtime: new Date(Number.NaN) }],
      ['web01', { ...file, body: 'deployed by DECNET' }],
    ] as const) {
      const out = await writeBackfillFile(fake, name, f);
      expect(out).toMatchObject({ success: false, rc: null, execs: 0 });
      expect(out.stderr).toMatch(/^refused: /);
    }
    expect(fake.calls).toHaveLength(0);
  });

  it('settles the directories it wrote into, deepest first, leaving / and /tmp alone', async () => {
    expect(directoriesToSettle(['/home/ann/notes/vpn.md', '/home/ann/todo.txt', '/var/log/app/worker.log', '/tmp/x', '/etc/cron.d/job'])).toEqual([
      '/home/ann/notes',
      '/var/log/app',
      '/etc/cron.d',
      '/home/ann',
      '/var/log',
      '/home',
    ]);
    const fake = new FakeDocker();
    fake.addDecky('web01');
    const fs = modelBackfill(fake);
    expect(await settleDirectories(fake, 'web01', ['/home/ann/todo.txt', '/home/ann/../../etc/x'])).toEqual({ success: true });
    expect(fs.settled).toEqual([['/home/ann', '/home']]);
  });
});
