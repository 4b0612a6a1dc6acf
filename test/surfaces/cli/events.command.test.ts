import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { openStore, type StoreOpener } from '../../../src/infra/store/store.factory.js';
import { anEvent, at, tempDir } from '../../infra/store/store-fixtures.js';
import { runStoreCommand } from './store-command-harness.js';

describe('decnet-orchestrator events', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dbPath: string;
  beforeAll(async () => {
    tmp = await tempDir();
    dbPath = tmp.dbPath();
    const store = await openStore({ dbPath });
    await store.events.recordEvents([
      anEvent({ ts: at(1), kind: 'traffic', payload: { banner: 'SSH-2.0-OpenSSH_9.2p1' } }),
      anEvent({ ts: at(2), kind: 'file', action: 'file:create', srcDeckyUuid: null, payload: { path: '/tmp/.cache-1.tmp' } }),
      anEvent({ ts: at(3), kind: 'traffic', success: false, payload: { stderr: `timed out\u001b]0;pwned\u0007` } }),
    ]);
    await store.close();
  });
  afterAll(() => tmp.cleanup());

  it('prints newest first as a table with a count line', async () => {
    const { lines } = await runStoreCommand(dbPath, ['events']);
    expect(lines[0]).toMatch(/^TS\s+KIND\s+RESULT\s+SRC\s+DST\s+ACTION\s+DETAIL$/);
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(
        /^2025-01-01T00:00:03\.000Z\s+traffic\s+FAILED\s+local:web01\s+local:web02\s+exec:tcp_connect:22\s+timed out\\x1b\]0;pwned\\x07$/,
      ),
      expect.stringMatching(/^2025-01-01T00:00:02\.000Z\s+file\s+ok\s+-\s+local:web02\s+file:create\s+\/tmp\/\.cache-1\.tmp$/),
      expect.stringMatching(/^2025-01-01T00:00:01\.000Z\s+traffic\s+ok\s+.*SSH-2\.0-OpenSSH_9\.2p1$/),
    ]);
    expect(lines[4]).toBe('3 of 3 events');
  });

  it('filters by kind and limits, printing the page as JSON', async () => {
    const { lines } = await runStoreCommand(dbPath, ['events', '--kind', 'traffic', '--limit', '1', '--json']);
    expect(lines).toHaveLength(1);
    const page = JSON.parse(lines[0]!) as { total: number; limit: number; offset: number; data: Array<{ kind: string; ts: string }> };
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page.data).toEqual([expect.objectContaining({ kind: 'traffic', ts: '2025-01-01T00:00:03.000Z' })]);
  });

  it.each([
    [['--kind', 'activity'], /--kind must be one of traffic, file \(got "activity"\)/],
    [['--limit', '0'], /--limit must be an integer from 1 to 1000 \(got "0"\)/],
    [['--limit', '1001'], /--limit/],
    [['--limit', 'ten'], /--limit/],
    [['--limit', '5.5'], /--limit/],
    [['--limit', '-3'], /--limit/],
  ])('rejects %j with exit 2 before opening the database', async (args, message) => {
    let opened = 0;
    const countingOpen: StoreOpener = (opts) => {
      opened++;
      return openStore(opts);
    };
    const err = (await runStoreCommand(dbPath, ['events', ...args], { openStore: countingOpen }).catch((e: unknown) => e)) as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(opened).toBe(0);
  });

  it('says so when there are no events', async () => {
    const { lines } = await runStoreCommand(tmp.dbPath(), ['events']);
    expect(lines).toEqual(['no events']);
  });
});
