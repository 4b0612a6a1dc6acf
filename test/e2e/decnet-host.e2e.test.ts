import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { addFleetDecky, all, DECNET_TABLES, decnetChecksum, makeDecnetDb } from '../fixtures/decnet/decnet-db.js';
import { type DecnetApiPage, decnetEventsPage } from '../support/decnet-events-api.js';
import { hasDocker } from '../support/docker-available.js';
import { type CliRun, logLines, runCli } from '../support/run-cli.js';

// a DECNET host as DECNET-COMPAT §8 lays it out: deckies started as DECNET's composer starts them,
// DECNET's own SQLite database listing them as its deploy writes the rows, the real CLI on top
const docker = new Docker();
const tag = `dnh${Math.random().toString(36).slice(2, 8)}`;
const name = (n: string) => `${tag}-${n}`;
// the tables the orchestrator writes on DECNET's database; every other one must stay byte-identical
const WRITTEN = ['orchestrator_events', 'synthetic_files'];
const UNTOUCHED = DECNET_TABLES.filter((t) => !WRITTEN.includes(t));

async function baseIp(decky: string): Promise<string> {
  const info = await docker.getContainer(decky).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

const orchestrate = (db: string, ticks: number) =>
  runCli(['orchestrate', '--interval', '0.2', '--ticks', String(ticks), '--no-backfill'], {
    DECNET_DB: db,
    DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
  });

const said = (run: CliRun, decky: string) => logLines(run.stdout).filter((l) => l.decky === decky);

describe.runIf(hasDocker)("decnet-orchestrator orchestrate › inside a DECNET host, on DECNET's database", () => {
  const dir = mkdtempSync(join(tmpdir(), 'decnet-host-e2e-'));
  const ips: Record<string, string> = {};
  let launched: LaunchedNetwork;

  beforeAll(async () => {
    const labels = { 'decnet.scope': tag };
    launched = await launchDeckies(
      docker,
      `${tag}-decnet_lan`,
      ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((n) => ({ name: name(n), services: ['ssh'], labels })),
      { compose: true },
    );
    for (const n of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) ips[n] = await baseIp(name(n));
    // charlie's base runs, its -ssh is stopped
    await docker.getContainer(`${name('charlie')}-ssh`).stop({ t: 0 });
  }, 120_000);

  afterAll(async () => {
    if (launched) await removeDeckies(docker, launched);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with rows for two live deckies, one without containers and one whose -ssh is stopped', () => {
    const db = join(dir, 'decnet.db');
    let run: CliRun;
    let untouchedBefore: string;
    let fleetBefore: unknown[];
    let page: DecnetApiPage;

    beforeAll(async () => {
      await makeDecnetDb(db);
      await addFleetDecky(db, name('alpha'), ips.alpha!);
      await addFleetDecky(db, name('bravo'), ips.bravo!);
      await addFleetDecky(db, name('charlie'), ips.charlie!);
      await addFleetDecky(db, name('ghost'), '10.254.254.254');
      untouchedBefore = await decnetChecksum(db, UNTOUCHED);
      fleetBefore = await all(db, 'SELECT * FROM fleet_deckies ORDER BY rowid');
      run = await orchestrate(db, 30);
      page = await decnetEventsPage(db, { limit: 1000 });
    }, 240_000);

    it('exits 0 after the requested ticks', () => {
      expect(run.stderr).not.toMatch(/unexpected error/);
      expect(run.code).toBe(0);
    });

    it("says it is on DECNET's database and writes no decky row", () => {
      expect(logLines(run.stdout).some((l) => String(l.msg).startsWith("DECNET's database"))).toBe(true);
    });

    it('acts only between the live deckies the table lists, traffic and files both, successfully', () => {
      const live = new Set([`local:${name('alpha')}`, `local:${name('bravo')}`]);
      expect(page.total).toBeGreaterThanOrEqual(5);
      const touched = page.data.flatMap((e) => [e.src_decky_uuid, e.dst_decky_uuid]).filter((u) => u !== null);
      expect(new Set(touched)).toEqual(live);
      expect(page.data.filter((e) => e.kind === 'traffic').length).toBeGreaterThan(0);
      expect(page.data.filter((e) => e.kind === 'file').length).toBeGreaterThan(0);
      expect(page.data.filter((e) => !e.success)).toEqual([]);
    });

    it("shows up in the destination sshd's own log as a connection from the source's IP", async () => {
      const pairs = new Set(page.data.filter((e) => e.kind === 'traffic').map((e) => `${e.src_decky_uuid}>${e.dst_decky_uuid}`));
      expect(pairs.size).toBeGreaterThan(0);
      for (const pair of pairs) {
        const [src, dst] = pair.split('>').map((u) => u.replace(/^local:/, ''));
        const logs = (await docker.getContainer(`${dst}-ssh`).logs({ stdout: true, stderr: true })).toString();
        expect(logs).toContain(await baseIp(src!));
      }
    });

    it('reads back through the shape of DECNET’s GET /api/v1/orchestrator/events', () => {
      expect(Object.keys(page)).toEqual(['total', 'limit', 'offset', 'data']);
      expect(page.data).toHaveLength(page.total);
      for (const e of page.data) {
        expect(Object.keys(e)).toEqual([
          'uuid',
          'ts',
          'kind',
          'protocol',
          'action',
          'src_decky_uuid',
          'dst_decky_uuid',
          'success',
          'payload',
        ]);
        expect(e.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(e.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
        expect(typeof e.payload).toBe('string');
        const payload = JSON.parse(e.payload) as Record<string, unknown>;
        if (e.kind === 'traffic') {
          expect(e.action).toBe('exec:tcp_connect:22');
          expect(payload).toMatchObject({ dst_ip: expect.any(String), dst_port: 22, rc: 0 });
          expect(String(payload.banner)).toMatch(/^SSH-2\.0-OpenSSH/);
        } else {
          expect(e.src_decky_uuid).toBeNull();
          expect(payload).toMatchObject({ path: expect.any(String), bytes: expect.any(Number) });
        }
      }
    });

    it('records synthetic files of the live deckies only', async () => {
      const owners = await all<{ decky_uuid: string }>(db, 'SELECT DISTINCT decky_uuid FROM synthetic_files');
      for (const o of owners) expect([`local:${name('alpha')}`, `local:${name('bravo')}`]).toContain(o.decky_uuid);
    });

    it('leaves every table of DECNET but the two it writes byte-identical, the decky rows included', async () => {
      expect(await decnetChecksum(db, UNTOUCHED)).toBe(untouchedBefore);
      expect(await all(db, 'SELECT * FROM fleet_deckies ORDER BY rowid')).toEqual(fleetBefore);
    });

    it('never acts on the decky without containers or the one whose -ssh is stopped, and says why once', () => {
      const touched = page.data.flatMap((e) => [e.src_decky_uuid, e.dst_decky_uuid]);
      for (const n of ['ghost', 'charlie']) expect(touched).not.toContain(`local:${name(n)}`);
      expect(said(run, name('ghost'))).toEqual([expect.objectContaining({ reason: 'no containers on the engine' })]);
      expect(said(run, name('charlie'))).toEqual([expect.objectContaining({ reason: 'containers stopped' })]);
    });

    it("never acts on deckies the engine runs that DECNET's table does not list", () => {
      const touched = page.data.flatMap((e) => [e.src_decky_uuid, e.dst_decky_uuid]);
      for (const n of ['delta', 'echo']) {
        expect(touched).not.toContain(`local:${name(n)}`);
        expect(said(run, name(n))).toEqual([
          expect.objectContaining({ msg: expect.stringMatching(/no running row of DECNET's tables lists it; not acted on/) }),
        ]);
      }
    });
  });

  describe('with bad rows', () => {
    it('skips a decky whose services are not a JSON list and one whose decky_ip is not an IP, with a log line each, and serves the others', async () => {
      const db = join(dir, 'bad-rows.db');
      await makeDecnetDb(db);
      await addFleetDecky(db, name('alpha'), ips.alpha!);
      await addFleetDecky(db, name('bravo'), ips.bravo!);
      await addFleetDecky(db, name('delta'), ips.delta!, { services: 'ssh' });
      await addFleetDecky(db, name('echo'), 'not-an-ip');
      const run = await orchestrate(db, 10);
      expect(run.code).toBe(0);
      expect(said(run, name('delta'))).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/services are not a JSON list/) }),
      ]);
      expect(said(run, name('echo'))).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/ip is not an IP address/) }),
      ]);
      const page = await decnetEventsPage(db, { limit: 1000 });
      expect(page.total).toBeGreaterThan(0);
      const touched = new Set(page.data.flatMap((e) => [e.src_decky_uuid, e.dst_decky_uuid]).filter((u) => u !== null));
      expect(touched).toEqual(new Set([`local:${name('alpha')}`, `local:${name('bravo')}`]));
    }, 120_000);

    it.each([
      [
        'an alembic revision it does not know',
        { revision: 'ffffffffffff' },
        /^[\w-]+: DECNET database at alembic revision ffffffffffff; .*\n$/,
      ],
      [
        'a column missing',
        { dropColumn: { table: 'synthetic_files', column: 'last_body' } },
        /^[\w-]+: .*table synthetic_files has no column last_body.*\n$/,
      ],
    ])(
      'refuses a DECNET database with %s: one line, exit non-zero, DECNET’s tables unchanged',
      async (_, spoil, line) => {
        const db = join(dir, `spoiled-${Math.random().toString(36).slice(2)}.db`);
        await makeDecnetDb(db, spoil);
        await addFleetDecky(db, name('alpha'), ips.alpha!);
        const before = await decnetChecksum(db);
        const run = await orchestrate(db, 2);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toMatch(line);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(await decnetChecksum(db)).toBe(before);
      },
      60_000,
    );
  });
});
