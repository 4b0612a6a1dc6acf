import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDocker } from '../../support/docker-available.js';
import { DaemonProcess, type LogLine } from './daemon-process.js';
import { actionKeys, eventRows, rowKeys, ScopedDeckies } from './resilience-fixture.js';

// "actions go on" below is a count an idle box passes 5× over (45–69 in 12 s), so a loaded CI box does too
const isAction = (l: LogLine) => l.msg === 'action';
const isRoot = process.getuid?.() === 0;
const LOCK_MS = 12_000;
const FULL_MS = 6_000;

/** Another process's connection holding SQLite's exclusive write lock until `release()`. */
function holdExclusiveLock(dbPath: string): Promise<{ release(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READWRITE, (err) => {
      if (err) return reject(err);
      db.configure('busyTimeout', 10_000);
      db.exec('begin exclusive', (e) => {
        if (e) return reject(e);
        resolve({ release: () => new Promise((done) => db.exec('commit', () => db.close(() => done()))) });
      });
    });
  });
}

/** Writes `path` until the file system says ENOSPC. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe.runIf(hasDocker)('decnet-orchestrator orchestrate › its database becomes unavailable for a while', () => {
  const docker = new Docker();
  const fx = new ScopedDeckies(docker);
  const daemons: DaemonProcess[] = [];
  let mounted: string | undefined;

  beforeAll(async () => {
    await fx.launch(['alpha', 'bravo', 'charlie']);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    if (mounted) execFileSync('umount', [mounted]);
    await fx.cleanup();
  });

  const start = (db: string) => {
    const d = new DaemonProcess(['orchestrate', '--interval', '0.1'], fx.env(db));
    daemons.push(d);
    return d;
  };

  // every logged action is a row, and nothing was dropped or left in memory
  async function expectEverythingWritten(d: DaemonProcess, db: string): Promise<number> {
    d.signal('SIGTERM');
    expect(await d.exitWithin(15_000)).toMatchObject({ code: 0, signal: null });
    const rows = await eventRows(db);
    expect(rowKeys(rows)).toEqual(actionKeys(d.actions()));
    expect(d.lines.find((l) => l.msg === 'orchestrator stopped')).toMatchObject({ dropped: 0, buffered: 0 });
    return rows.length;
  }

  it('locked by another process: keeps acting, says so within seconds, and writes every held event once the lock is gone', async () => {
    const db = fx.db('locked');
    const d = start(db);
    await d.waitForCount('10 actions', isAction, 10, 60_000);

    const lock = await holdExclusiveLock(db);
    const lockedFrom = d.lines.length;
    const lockedAt = Date.now();
    await new Promise((r) => setTimeout(r, LOCK_MS));
    const during = d.lines.slice(lockedFrom);
    expect(d.alive).toBe(true);
    // the schedule does not wait on the store: actions go on, their rows held in memory
    expect(during.filter(isAction).length).toBeGreaterThanOrEqual(8);
    const stalled = during.find((l) => l.msg === 'event store write stalled (database locked or busy?); rows kept in memory');
    expect(stalled).toMatchObject({ level: 40 });
    expect(Number(stalled!.time) - lockedAt).toBeLessThan(4_000);
    // one warning per episode, not one per tick
    expect(during.filter((l) => Number(l.level) >= 40).length).toBeLessThanOrEqual(4);
    await lock.release();

    await d.waitFor('the writer recovering', (l) => l.msg === 'event store writes recovered', 15_000, lockedFrom);
    const rows = await expectEverythingWritten(d, db);
    console.info(
      `locked ${LOCK_MS} ms: ${during.filter(isAction).length} actions held in memory, warned after ${Number(stalled!.time) - lockedAt} ms; ${rows} rows at the end`,
    );
  }, 120_000);

  it('stopped while locked: still exits within the stop bound, naming the rows it could not write', async () => {
    const db = fx.db('locked-stop');
    const d = start(db);
    await d.waitForCount('10 actions', isAction, 10, 60_000);
    const lock = await holdExclusiveLock(db);
    try {
      await d.waitForCount('10 more actions under the lock', isAction, 20, 30_000);
      const sentAt = d.signal('SIGTERM');
      const exit = await d.exitWithin(20_000);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.atMs - sentAt).toBeLessThan(12_000);
      const lost = d.lines.find((l) => l.msg === 'event store unavailable at flush: rows not written');
      expect(lost).toMatchObject({ level: 50, lost: expect.any(Number) });
      expect(Number(lost!.lost)).toBeGreaterThan(0);
      console.info(`stop under a lock: exit 0 after ${Math.round(exit.atMs - sentAt)} ms, ${String(lost!.lost)} rows reported lost`);
    } finally {
      await lock.release();
    }
    // what was committed before the lock is intact, and the lost ones are exactly the ones reported
    const rows = await eventRows(db);
    const lost = Number(d.lines.find((l) => l.msg === 'event store unavailable at flush: rows not written')!.lost);
    expect(rows.length + lost).toBe(d.actions().length);
  }, 120_000);

  it.runIf(isRoot)(
    'on a full disk: logs the failure once, retries with backoff, and writes every held event once there is room',
    async () => {
      mounted = join(fx.dir, 'small-disk');
      mkdirSync(mounted);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mounted]);
      const db = join(mounted, 'decnet.sqlite');
      const d = start(db);
      await d.waitForCount('10 actions', isAction, 10, 60_000);

      const fullFrom = d.lines.length;
      const filler = join(mounted, 'filler');
      fillUp(filler);
      await d.waitFor(
        'the write failure',
        (l) => l.msg === 'event store write failed; keeping rows and retrying with backoff',
        10_000,
        fullFrom,
      );
      await new Promise((r) => setTimeout(r, FULL_MS));
      const during = d.lines.slice(fullFrom);
      expect(d.alive).toBe(true);
      const failed = during.filter((l) => l.msg === 'event store write failed; keeping rows and retrying with backoff');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ level: 50, err: expect.stringMatching(/SQLITE_FULL|disk is full/) });
      expect(during.filter(isAction).length).toBeGreaterThanOrEqual(8);
      rmSync(filler);

      await d.waitFor('the writer recovering', (l) => l.msg === 'event store writes recovered', 40_000, fullFrom);
      const recovered = d.lines.slice(fullFrom).find((l) => l.msg === 'event store writes recovered')!;
      const rows = await expectEverythingWritten(d, db);
      console.info(
        `disk full ${FULL_MS} ms: ${during.filter(isAction).length} actions held in memory, ${String(recovered.failures)} failed attempts (backoff), ${rows} rows at the end`,
      );
    },
    120_000,
  );
});
