import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { loadConfig } from '../../../src/infra/config/config.js';
import type { DockerPort, ExecRequest, ExecResult } from '../../../src/infra/docker/docker.port.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { openStore } from '../../../src/infra/store/store.factory.js';
import type { Store } from '../../../src/infra/store/store.port.js';
import { startHttpIfAsked } from '../../../src/surfaces/cli/operator-surface.js';
import { REALISM_CHECK_PATH } from '../../../src/surfaces/http/realism-route.js';
import { anEvent, tempDir } from '../../infra/store/store-fixtures.js';
import { rawGet } from '../http/support/http-client.js';

const EXEC_MS = 300;
const DEADLINE_MS = 450;

/** One exec as the engine saw it: when it started, and whether its signal was aborted by its end. */
interface SeenExec {
  container: string;
  startedAt: number;
  aborted: boolean;
}

/**
 * An engine whose every exec takes EXEC_MS (answering `stat` for each path), or ends at once with
 * rc 125 when its signal aborts, like the dockerode port. It models exec only.
 */
function slowEngine(): DockerPort & { seen: SeenExec[] } {
  const seen: SeenExec[] = [];
  const notImplemented = (what: string) => () => {
    throw new Error(`not implemented: ${what}`);
  };
  return {
    hostId: 'local',
    seen,
    exec(req: ExecRequest): Promise<ExecResult> {
      const entry: SeenExec = { container: req.container, startedAt: Date.now(), aborted: false };
      seen.push(entry);
      const paths = req.argv.slice(4);
      return new Promise((resolve) => {
        const done = (r: Partial<ExecResult>) => {
          clearTimeout(timer);
          req.signal?.removeEventListener('abort', onAbort);
          entry.aborted = req.signal?.aborted ?? false;
          resolve({ rc: 0, stdout: '', stderr: '', timedOut: false, truncated: false, durationMs: Date.now() - entry.startedAt, ...r });
        };
        const onAbort = () => done({ rc: 125, stderr: 'aborted' });
        const timer = setTimeout(() => done({ stdout: paths.map(() => '1736000000 10\n').join('') }), EXEC_MS);
        if (req.signal?.aborted) onAbort();
        else req.signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    listDeckyContainers: notImplemented('listDeckyContainers'),
    watchEvents: notImplemented('watchEvents'),
    ping: notImplemented('ping'),
    readFile: notImplemented('readFile'),
  } as unknown as DockerPort & { seen: SeenExec[] };
}

describe('the operator surface’s realism check past its deadline', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: Store;
  let http: Awaited<ReturnType<typeof startHttpIfAsked>>;
  const engine = slowEngine();
  const previousPool = process.env.DECNET_EMAILGEN_PERSONAS;

  beforeAll(async () => {
    tmp = await tempDir();
    const dbPath = tmp.dbPath();
    const poolPath = join(tmp.dir, 'pool.json');
    await writeFile(poolPath, JSON.stringify([{ name: 'Ann', email: 'ann@corp.example', role: 'CFO', active_hours: '09:00-17:00' }]));
    process.env.DECNET_EMAILGEN_PERSONAS = poolPath;
    store = await openStore({ dbPath });
    // four ssh deckies with one planted file each: inspection stats them one decky after another
    const names = ['web01', 'web02', 'web03', 'web04'];
    await store.inventory.reconcileHost(
      'local',
      names.map((name, i) => ({ name, hostUuid: 'local', services: ['ssh'], ip: `10.0.0.${i + 2}`, running: true })),
      { remote: false },
    );
    await store.events.recordEvents(
      names.map((n) =>
        anEvent({
          kind: 'file',
          action: 'file:create',
          srcDeckyUuid: null,
          dstDeckyUuid: `local:${n}`,
          payload: { path: '/home/admin/notes.txt', rc: 0 },
        }),
      ),
    );
    const config = loadConfig({ DECNET_DB: dbPath, DECNET_SPOOL_ROOT: '/var/spool/mail-archive' });
    http = await startHttpIfAsked(
      { http: '127.0.0.1:0' },
      {
        config,
        store,
        bus: createMemoryBus({ logger: silentLogger }),
        logger: silentLogger,
        createDocker: () => engine,
        realismTimeoutMs: DEADLINE_MS,
      },
    );
  });
  afterAll(async () => {
    await http.close();
    await store.close();
    if (previousPool === undefined) delete process.env.DECNET_EMAILGEN_PERSONAS;
    else process.env.DECNET_EMAILGEN_PERSONAS = previousPool;
    await tmp.cleanup();
  });

  it('answers 504, abandons the running exec, and starts no further exec in any decky', async () => {
    const r = await rawGet(http.url!, REALISM_CHECK_PATH, { 'Content-Type': 'application/json' }, 'POST', '{"inspect":true}');
    const answeredAt = Date.now();
    expect(r.status).toBe(504);
    // long enough for two more decky inspections, had the report run on
    await new Promise((res) => setTimeout(res, 3 * EXEC_MS));
    expect(engine.seen.length).toBeGreaterThanOrEqual(1);
    expect(engine.seen.filter((e) => e.startedAt > answeredAt)).toEqual([]);
    expect(engine.seen.length).toBeLessThan(4);
    // the exec in flight at the deadline was cut short through its signal
    expect(engine.seen.at(-1)!.aborted).toBe(true);
    // and the aborted report freed the one-at-a-time slot instead of running on
    expect((await rawGet(http.url!, REALISM_CHECK_PATH)).status).toBe(200);
  });
});
