import { describe, expect, it } from 'vitest';
import { directoriesToSettle, settleDirectories } from '../../../src/actors/realism/settle-mtimes.js';
import { FakeDocker } from '../../fakes/fake-docker.js';
import { modelPlannedFiles } from '../../fakes/planned-fs.fake.js';

describe('settling directory mtimes', () => {
  it('settles the directories it wrote into, deepest first, leaving / and /tmp alone', async () => {
    expect(
      directoriesToSettle(['/home/ann/notes/vpn.md', '/home/ann/todo.txt', '/var/log/app/worker.log', '/tmp/x', '/etc/cron.d/job']),
    ).toEqual(['/home/ann/notes', '/var/log/app', '/etc/cron.d', '/home/ann', '/var/log', '/home']);
    const fake = new FakeDocker();
    fake.addDecky('web01');
    const fs = modelPlannedFiles(fake);
    expect(await settleDirectories(fake, 'web01', ['/home/ann/todo.txt', '/home/ann/../../etc/x'])).toEqual({ success: true });
    expect(fs.settled).toEqual([['/home/ann', '/home']]);
  });
});
