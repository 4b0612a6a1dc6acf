import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import type { EmailRecord } from '../../src/domain/email-record.js';
import type { OrchestratorEvent } from '../../src/domain/event.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { hasDocker } from '../support/docker-available.js';
import { type CliRun, logLines, runCli } from '../support/run-cli.js';

const docker = new Docker();
const tag = `dnw${Math.random().toString(36).slice(2, 8)}`;
const LOCKED = /SQLITE_BUSY|database is locked/i;

describe.runIf(hasDocker)(
  'decnet-orchestrator orchestrate + decnet-orchestrator emailgen › two processes on one database, the real engine',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'decnet-e2e-two-'));
    const db = join(dir, 'decnet.sqlite');
    let launched: LaunchedNetwork;
    let orchestrate: CliRun;
    let emailgen: CliRun;
    let events: OrchestratorEvent[] = [];
    let emails: EmailRecord[] = [];

    beforeAll(async () => {
      const pool = join(dir, 'email_personas.json');
      writeFileSync(
        pool,
        JSON.stringify([
          { name: 'Ana Lima', email: 'ana@corp.example', role: 'Controller', active_hours: '00:00-00:00' },
          { name: 'Ben Ode', email: 'ben@corp.example', role: 'Buyer', active_hours: '00:00-00:00' },
          { name: 'Cy Park', email: 'cy@corp.example', role: 'Admin', active_hours: '00:00-00:00' },
        ]),
      );
      const labels = { 'decnet.scope': tag };
      launched = await launchDeckies(docker, `${tag}-net`, [
        { name: `${tag}-web`, services: ['ssh'], labels },
        { name: `${tag}-db`, services: ['ssh'], labels },
        { name: `${tag}-mail`, services: ['imap', 'ssh'], labels },
      ]);
      const env = { DECNET_DB: db, DECNET_DOCKER_SCOPE: `decnet.scope=${tag}` };
      // the schema exists before both start, as under systemd after the first run
      const store = await openStore({ dbPath: db });
      await store.close();
      const t0 = performance.now();
      [orchestrate, emailgen] = await Promise.all([
        runCli(['orchestrate', '--interval', '0.1', '--ticks', '60'], env),
        runCli(['emailgen', '--interval', '0.2', '--ticks', '30'], {
          ...env,
          DECNET_EMAILGEN_LLM: 'fake',
          DECNET_EMAILGEN_PERSONAS: pool,
          DECNET_SPOOL_ROOT: '/var/spool/mail-archive',
        }),
      ]);
      const seconds = (performance.now() - t0) / 1000;
      const s = await openStore({ dbPath: db });
      events = (await s.events.listEvents({ limit: 1000, offset: 0 })).data;
      emails = (await s.emails.listEmails({ limit: 1000, offset: 0 })).data;
      await s.close();
      console.info(`two workers: ${events.length} events + ${emails.length} emails in ${seconds.toFixed(2)} s on one SQLite file`);
    }, 240_000);

    afterAll(async () => {
      if (launched) await removeDeckies(docker, launched);
      rmSync(dir, { recursive: true, force: true });
    });

    it('both exit 0', () => {
      expect(orchestrate.code, orchestrate.stderr).toBe(0);
      expect(emailgen.code, emailgen.stderr).toBe(0);
    });

    it('neither is ever locked out of the database', () => {
      for (const r of [orchestrate, emailgen]) {
        expect(r.stdout).not.toMatch(LOCKED);
        expect(r.stderr).not.toMatch(LOCKED);
      }
    });

    it('records every action the orchestrator logged, once', () => {
      const lines = logLines(orchestrate.stdout).filter((l) => l.kind === 'traffic' || l.kind === 'file');
      // enough writes to overlap the other process's (60 ticks give ~60 on an idle box; a loaded CI
      // box, where execs outlast the 100 ms tick, gave 29): the test is about none being lost
      expect(lines.length).toBeGreaterThanOrEqual(12);
      expect(events).toHaveLength(lines.length);
      const count = (xs: { kind?: unknown; success?: unknown }[], kind: string, ok: boolean) =>
        xs.filter((x) => x.kind === kind && x.success === ok).length;
      for (const kind of ['traffic', 'file']) {
        for (const ok of [true, false]) expect(count(events, kind, ok)).toBe(count(lines, kind, ok));
      }
      const stopped = logLines(orchestrate.stdout).find((l) => l.msg === 'orchestrator stopped');
      expect(stopped).toMatchObject({ dropped: 0, buffered: 0 });
    });

    it('records every email emailgen logged, exactly once, and loses none', () => {
      const lines = logLines(emailgen.stdout).filter((l) => l.kind === 'email');
      // 30 ticks ask for 30 (21 on a loaded CI box); what matters is that none is lost or doubled
      expect(lines.length).toBeGreaterThanOrEqual(8);
      const logged = lines.map((l) => String(l.uuid));
      expect(new Set(logged).size).toBe(logged.length);
      expect(emails.map((e) => e.uuid).sort()).toEqual([...logged].sort());
      const ids = emails.filter((e) => e.success).map((e) => e.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      const stopped = logLines(emailgen.stdout).find((l) => l.msg === 'emailgen stopped');
      expect(stopped).toMatchObject({ lost: 0, abandoned: 0 });
      expect(Number(stopped?.delivered) + Number(stopped?.failed)).toBe(emails.length);
    });

    it('each worker wrote only its own kind of row', () => {
      const mailUuid = `local:${tag}-mail`;
      expect(emails.every((e) => e.mailDeckyUuid === mailUuid && e.success)).toBe(true);
      expect(events.every((e) => e.kind === 'traffic' || e.kind === 'file')).toBe(true);
    });
  },
);
