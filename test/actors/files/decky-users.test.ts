import { describe, expect, it } from 'vitest';
import { cachedDeckyUsers, readDeckyUsers } from '../../../src/actors/files/decky-users.js';
import { FakeDocker } from '../../fakes/fake-docker.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\njdoe:x:1000:1000::/home/jdoe:/bin/bash\n';
const web01 = { uuid: 'local:web01', name: 'web01' };

describe('decky users', () => {
  it('reads and parses <decky>-ssh:/etc/passwd, undefined when it cannot be read', async () => {
    const fake = new FakeDocker();
    fake.addDecky('web01');
    fake.setFile('web01-ssh', '/etc/passwd', PASSWD);
    expect((await readDeckyUsers(fake, 'web01'))?.map((u) => u.login)).toEqual(['root', 'jdoe']);
    expect(await readDeckyUsers(fake, 'web02')).toBeUndefined();
    expect(await readDeckyUsers(fake, '../web01')).toBeUndefined();
    fake.setFile('web01-ssh', '/etc/passwd', 'x'.repeat(300 * 1024));
    expect(await readDeckyUsers(fake, 'web01')).toBeUndefined();
    expect(fake.calls).toEqual([]);
  });

  it('keeps an answer for a few minutes per decky, then reads again', async () => {
    const fake = new FakeDocker();
    fake.addDecky('web01');
    fake.setFile('web01-ssh', '/etc/passwd', PASSWD);
    let t = 0;
    const usersOf = cachedDeckyUsers({ ttlMs: 180_000, now: () => t });
    await Promise.all([usersOf(fake, web01), usersOf(fake, web01)]);
    t = 179_000;
    await usersOf(fake, web01);
    expect(fake.reads).toHaveLength(1);
    t = 180_000;
    await usersOf(fake, web01);
    expect(fake.reads).toHaveLength(2);
  });

  it('does not keep a failed read: the next ask tries again', async () => {
    const fake = new FakeDocker();
    fake.addDecky('web01');
    const usersOf = cachedDeckyUsers({ now: () => 0 });
    expect(await usersOf(fake, web01)).toBeUndefined();
    fake.setFile('web01-ssh', '/etc/passwd', PASSWD);
    expect((await usersOf(fake, web01))?.length).toBe(2);
    expect(fake.reads).toHaveLength(2);
  });
});
