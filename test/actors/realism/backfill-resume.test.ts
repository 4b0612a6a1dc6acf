import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { backfillDecky } from '../../../src/actors/realism/backfill.js';
import { SETTLE_SCRIPT, settleSpool } from '../../../src/actors/realism/settle-mtimes.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { tempDir } from '../../infra/store/store-fixtures.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';

const NOW = new Date('2025-03-24T16:00:00Z');
const web01: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet', hostUuid: 'local' };

describe('backfillDecky, as the automatic backfill runs it', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let fake: FakeDocker;
  let fs: ReturnType<typeof modelPlannedFiles>;
  beforeEach(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    fake = new FakeDocker();
    fake.addDecky('web01');
    fs = modelPlannedFiles(fake);
  });
  afterEach(async () => {
    await store.close();
    await tmp.cleanup();
  });
  const deps = () => ({
    dockerFor: () => fake,
    files: store.files,
    events: store.events,
    personasFor: async () => [],
    hostZone: 'UTC',
    logger: silentLogger,
  });

  it('with `avoid`, writes around files the store already holds and never overwrites them', async () => {
    const plain = await backfillDecky(web01, deps(), { days: 14, now: NOW, seed: 4 });
    const planned = await store.files.filesOf(web01.uuid);
    expect(plain.files).toBe(planned.length);
    // a fresh store where a live write already holds one of the planned paths
    await store.close();
    store = await openStore({ dbPath: tmp.dbPath('second') });
    fake = new FakeDocker();
    fake.addDecky('web01');
    fs = modelPlannedFiles(fake);
    const live = planned[0]!;
    await store.files.recordWrites([
      { deckyUuid: web01.uuid, path: live.path, author: null, contentClass: live.contentClass, body: 'live body\n', mtime: NOW },
    ]);
    expect(await backfillDecky(web01, deps(), { days: 14, now: NOW, seed: 4 })).toMatchObject({ skipped: 'already has synthetic files' });
    const r = await backfillDecky(web01, deps(), { days: 14, now: NOW, seed: 4, existing: 'avoid' });
    expect(r.files).toBe(planned.length - 1);
    expect(fs.file('web01-ssh', live.path)).toBeUndefined();
    expect(await store.files.getFile(web01.uuid, live.path)).toMatchObject({ body: 'live body\n', lastModified: NOW });
    expect(await store.files.filesOf(web01.uuid)).toHaveLength(planned.length);
  });

  it('stops between two files when its signal aborts, recording exactly what it wrote', async () => {
    const abort = new AbortController();
    let writes = 0;
    const exec = fake.exec.bind(fake);
    fake.exec = async (req) => {
      const res = await exec(req);
      writes += 1;
      if (writes === 3) abort.abort();
      return res;
    };
    const r = await backfillDecky(web01, deps(), { days: 14, now: NOW, seed: 4, signal: abort.signal });
    expect(r).toMatchObject({ abandoned: true, files: 3 });
    const recorded = await store.files.filesOf(web01.uuid);
    expect(recorded.map((f) => f.path).sort()).toEqual([...fs.files.keys()].map((k) => k.split('\u0000')[1]!).sort());
    const events = (await store.events.listEvents({ limit: 1000, offset: 0 })).data;
    expect(new Set(events.map((e) => e.payload.path))).toEqual(new Set(recorded.map((f) => f.path)));
  });
});

describe('settleSpool', () => {
  it('settles each thread directory, then the spool root, in the mail container', async () => {
    const fake = new FakeDocker();
    const fs = modelPlannedFiles(fake);
    fake.addDecky('mail01', { services: ['imap'] });
    expect(await settleSpool(fake, 'mail01-imap', '/var/spool/mail-archive/', ['t-1', 't-2'])).toEqual({ success: true });
    expect(fs.settled).toEqual([['/var/spool/mail-archive/t-1', '/var/spool/mail-archive/t-2', '/var/spool/mail-archive']]);
    expect(fake.calls[0]).toMatchObject({ container: 'mail01-imap', argv: ['sh', '-c', SETTLE_SCRIPT, 'sh', ...fs.settled[0]!] });
  });

  it('passes hostile names as data or not at all, and refuses an unsafe root or container', async () => {
    const fake = new FakeDocker();
    const fs = modelPlannedFiles(fake);
    fake.addDecky('mail01', { services: ['imap'] });
    expect(await settleSpool(fake, 'mail01-imap', '/var/spool/x', ['../../etc', '$(touch /tmp/p)', "a'b", 'ok-1', 'x\ny'])).toEqual({
      success: true,
    });
    expect(fs.settled).toEqual([['/var/spool/x/ok-1', '/var/spool/x']]);
    expect(await settleSpool(fake, 'mail01-imap', '/var/spool/../etc', ['ok'])).toMatchObject({
      success: false,
      stderr: 'refused: unsafe spool root',
    });
    expect(await settleSpool(fake, 'relative', 'var/spool', ['ok'])).toMatchObject({ success: false });
    expect(await settleSpool(fake, 'mail; rm -rf /', '/var/spool/x', ['ok'])).toMatchObject({
      success: false,
      stderr: 'refused: invalid container name',
    });
    expect(fake.calls).toHaveLength(1);
  });
});
