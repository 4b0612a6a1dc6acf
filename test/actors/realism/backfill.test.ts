import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { backfillAll } from '../../../src/actors/realism/backfill.js';
import { runChecks } from '../../../src/checks/index.js';
import { outsideHours } from '../../../src/checks/outside-hours.js';
import { loadCorpus, personaDirectory } from '../../../src/actors/realism/load-corpus.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { isUserClass } from '../../../src/machines/realism/content-class.js';
import { hasEpochLikeName } from '../../../src/machines/realism/file-names.js';
import { officeWorker } from '../../builders/emailgen.builders.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';
import { tempDir } from '../../infra/store/store-fixtures.js';

const NOW = new Date('2025-03-24T16:00:00Z');
const persona = officeWorker;
const PERSONAS = [
  persona('Ann Keller', 'ann.keller@corp.example', 'Europe/Berlin'),
  persona('Bob Stone', 'bob.stone@corp.example', 'America/New_York'),
];
const web01: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet', hostUuid: 'local' };
const web02: RunningDecky = {
  uuid: 'local:web02',
  name: 'web02',
  ip: '10.0.0.3',
  services: ['ssh', 'http'],
  source: 'fleet',
  hostUuid: 'local',
};
const mail: RunningDecky = { uuid: 'local:mail01', name: 'mail01', ip: '10.0.0.4', services: ['imap'], source: 'fleet', hostUuid: 'local' };

describe('backfillAll', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  const fake = new FakeDocker();
  fake.addDecky('web01');
  fake.addDecky('web02');
  const fs = modelPlannedFiles(fake);
  const deps = () => ({
    dockerFor: () => fake,
    files: store.files,
    events: store.events,
    personasFor: async () => PERSONAS,
    hostZone: 'UTC',
    logger: silentLogger,
  });
  let results: Awaited<ReturnType<typeof backfillAll>>;

  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    results = await backfillAll([web01, web02, mail], deps(), { days: 21, now: NOW, seed: 7 });
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('backfills ssh deckies and skips the rest, saying why', () => {
    expect(results.map((r) => [r.name, r.skipped ?? 'done'])).toEqual([
      ['web01', 'done'],
      ['web02', 'done'],
      ['mail01', 'no ssh container'],
    ]);
    for (const r of results.slice(0, 2)) {
      expect(r.files).toBeGreaterThanOrEqual(5);
      expect(r.writes).toBeGreaterThan(r.files);
      expect(r.failed).toEqual([]);
    }
  });

  it('writes each recorded file on the decky with the recorded body and mtime (to the second)', async () => {
    for (const decky of [web01, web02]) {
      const recorded = await store.files.filesOf(decky.uuid);
      expect(recorded.length).toBeGreaterThan(0);
      for (const f of recorded) {
        const onDisk = fs.file(`${decky.name}-ssh`, f.path)!;
        expect(onDisk.body.toString()).toBe(f.body);
        expect(onDisk.mtime).toBe(Math.floor(f.lastModified.getTime() / 1000));
      }
    }
  });

  it('dates everything in the past window, people’s files inside their hours, under their home', async () => {
    const directory = personaDirectory(PERSONAS);
    const files = [...(await store.files.filesOf(web01.uuid)), ...(await store.files.filesOf(web02.uuid))];
    const from = NOW.getTime() - 21 * 86_400_000;
    for (const f of files) {
      expect(f.createdAt.getTime()).toBeGreaterThanOrEqual(from);
      expect(f.lastModified.getTime()).toBeLessThan(NOW.getTime());
      expect(hasEpochLikeName(f.path)).toBe(false);
    }
    const people = files.filter((f) => isUserClass(f.contentClass));
    expect(people.length).toBeGreaterThan(4);
    for (const f of people) expect(f.path).toMatch(f.author === 'ann.keller@corp.example' ? /^\/home\/akeller\// : /^\/home\/bstone\//);
    const outside = people.filter(
      (f) => outsideHours(directory.get(f.author!)!, f.lastModified) || outsideHours(directory.get(f.author!)!, f.createdAt),
    );
    expect(outside.length / people.length).toBeLessThanOrEqual(0.1);
  });

  it('hands people’s files to their login and leaves system files to root', () => {
    const owners = new Set([...fs.files.entries()].map(([key, f]) => `${key.split('\u0000')[1]!.split('/')[2]}:${f.owner ?? 'root'}`));
    for (const o of owners) {
      const [dir, owner] = o.split(':');
      if (dir === 'akeller' || dir === 'bstone') expect(owner).toBe(dir);
    }
    expect([...fs.files.entries()].filter(([k]) => k.includes('/var/log/')).every(([, f]) => f.owner === undefined)).toBe(true);
  });

  it('records every write as a backfilled file event at its mtime', async () => {
    const page = await store.events.listEvents({ limit: 1000, offset: 0, kind: 'file' });
    expect(page.total).toBe(results[0]!.writes + results[1]!.writes);
    for (const e of page.data) {
      expect(e.payload).toMatchObject({ backfilled: true, rc: 0 });
      expect(['file:create', 'file:edit']).toContain(e.action);
      expect(e.ts.getTime()).toBeLessThan(NOW.getTime());
    }
  });

  it('settles the directory mtimes of what it wrote', () => {
    expect(fs.settled.flat()).toEqual(expect.arrayContaining(['/home/akeller', '/home', '/var/log']));
  });

  it('passes every check that the store alone can judge', async () => {
    const corpus = await loadCorpus(store, PERSONAS, { spoolRoot: '/var/spool/mail-archive', hostZone: 'UTC' });
    const report = runChecks(corpus);
    expect(report.checks.filter((c) => !c.pass)).toEqual([]);
    const judged = report.checks.filter((c) => !c.skipped).map((c) => c.name);
    expect(judged).toEqual(
      expect.arrayContaining(['files-outside-hours', 'fixed-interval', 'epoch-file-names', 'product-name-visible', 'identical-bodies']),
    );
  });

  it('never doubles a history: a second run skips deckies that already have files', async () => {
    const calls = fake.calls.length;
    const again = await backfillAll([web01], deps(), { days: 21, now: NOW, seed: 7 });
    expect(again[0]).toMatchObject({ skipped: 'already has synthetic files' });
    expect(fake.calls.length).toBe(calls);
  });
});
