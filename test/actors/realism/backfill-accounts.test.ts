import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { backfillAll } from '../../../src/actors/realism/backfill.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { openStore, type Store } from '../../../src/infra/store/store.factory.js';
import { isUserClass } from '../../../src/machines/realism/content-class.js';
import { officeWorker } from '../../builders/emailgen.builders.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';
import { tempDir } from '../../infra/store/store-fixtures.js';

const NOW = new Date('2025-03-24T16:00:00Z');
const PERSONAS = [
  officeWorker('Ann Keller', 'ann.keller@corp.example', 'Europe/Berlin'),
  officeWorker('Bob Stone', 'bob.stone@corp.example', 'Europe/Berlin'),
];
const decky = (name: string): RunningDecky => ({
  uuid: `local:${name}`,
  name,
  ip: null,
  services: ['ssh'],
  source: 'fleet',
  hostUuid: 'local',
});
const BASE =
  'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';

describe('backfill › on the accounts a decky really has (its /etc/passwd)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  const fake = new FakeDocker();
  for (const n of ['web01', 'web02', 'web03']) fake.addDecky(n);
  // web01: jdoe only; web02: akeller (Ann's own login) and jdoe; web03: nobody with a home
  fake.setFile('web01-ssh', '/etc/passwd', `${BASE}jdoe:x:1000:1000:John Doe,,,:/home/jdoe:/bin/bash\n`);
  fake.setFile('web02-ssh', '/etc/passwd', `${BASE}jdoe:x:1000:1000::/home/jdoe:/bin/bash\nakeller:x:1001:1001::/home/akeller:/bin/bash\n`);
  fake.setFile('web03-ssh', '/etc/passwd', BASE);
  const fs = modelPlannedFiles(fake, { users: ['root', 'jdoe', 'akeller'] });
  const paths = (container: string) =>
    [...fs.files.keys()].filter((k) => k.startsWith(`${container}\u0000`)).map((k) => k.split('\u0000')[1]!);

  beforeAll(async () => {
    tmp = await tempDir();
    store = await openStore({ dbPath: tmp.dbPath() });
    const deps = {
      dockerFor: () => fake,
      files: store.files,
      events: store.events,
      personasFor: async () => PERSONAS,
      hostZone: 'UTC',
      logger: silentLogger,
    };
    await backfillAll([decky('web01'), decky('web02'), decky('web03')], deps, { days: 21, now: NOW, seed: 7 });
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('reads each decky’s passwd through the archive download, capped', () => {
    expect(fake.reads.map((r) => [r.container, r.path])).toEqual([
      ['web01-ssh', '/etc/passwd'],
      ['web02-ssh', '/etc/passwd'],
      ['web03-ssh', '/etc/passwd'],
    ]);
    expect(fake.reads.every((r) => r.maxBytes === 256 * 1024)).toBe(true);
  });

  it('puts every user file under the home of an account the decky has, owned by it', async () => {
    const homes = paths('web01-ssh').filter((p) => p.startsWith('/home/'));
    expect(homes.length).toBeGreaterThan(3);
    for (const p of homes) {
      expect(p).toMatch(/^\/home\/jdoe\//);
      expect(fs.file('web01-ssh', p)?.owner).toBe('jdoe');
    }
    const recorded = await store.files.filesOf('local:web01');
    expect(recorded.filter((f) => isUserClass(f.contentClass)).every((f) => f.path.startsWith('/home/jdoe/'))).toBe(true);
  });

  it('keeps a persona’s own login where the decky has it, and gives the other persona the remaining account', async () => {
    const homes = new Set(
      paths('web02-ssh')
        .filter((p) => p.startsWith('/home/'))
        .map((p) => p.split('/')[2]),
    );
    expect([...homes].sort()).toEqual(['akeller', 'jdoe']);
    const recorded = await store.files.filesOf('local:web02');
    const ann = recorded.filter((f) => f.author === 'ann.keller@corp.example');
    expect(ann.length).toBeGreaterThan(0);
    expect(ann.every((f) => f.path.startsWith('/home/akeller/'))).toBe(true);
  });

  it('plants only the machine’s files on a decky without login accounts: no /home at all', async () => {
    const all = paths('web03-ssh');
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((p) => p.startsWith('/home/'))).toEqual([]);
    const recorded = await store.files.filesOf('local:web03');
    expect(recorded.some((f) => isUserClass(f.contentClass))).toBe(false);
  });

  it('gives new user files the modes their tools would: drafts 0600, scripts 0755, notes 0644', async () => {
    const recorded = [...(await store.files.filesOf('local:web01')), ...(await store.files.filesOf('local:web02'))];
    const modes = new Map(
      recorded
        .filter((f) => isUserClass(f.contentClass))
        .map((f) => [f.contentClass, fs.file(`${f.deckyUuid.slice(6)}-ssh`, f.path)?.mode]),
    );
    expect(modes.size).toBeGreaterThan(1);
    for (const [cls, mode] of modes) expect(mode, cls).toBe(cls === 'draft' ? '0600' : cls === 'script' ? '0755' : '0644');
  });
});
