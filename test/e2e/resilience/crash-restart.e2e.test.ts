import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDocker } from '../../support/docker-available.js';
import { DaemonProcess, type LogLine } from './daemon-process.js';
import { eventRows, ScopedDeckies, sql } from './resilience-fixture.js';

const isAction = (l: LogLine) => l.msg === 'action';
const isEmail = (l: LogLine) => l.msg === 'email' && l.kind === 'email';
const SPOOL = '/var/spool/decnet-crash';

interface EmailRow {
  uuid: string;
  message_id: string;
  in_reply_to: string | null;
  thread_id: string;
  eml_path: string;
  success: number;
}

describe.runIf(hasDocker)('kill -9 and restart on the same database, on the real engine', () => {
  const docker = new Docker();
  const fx = new ScopedDeckies(docker);
  const daemons: DaemonProcess[] = [];
  const start = (args: string[], env: Record<string, string>) => {
    const d = new DaemonProcess(args, env);
    daemons.push(d);
    return d;
  };

  beforeAll(async () => {
    await fx.launch(['alpha', 'bravo', 'charlie'], [{ name: fx.name('mail'), services: ['imap'] }]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    await fx.cleanup();
  });

  it('decnet-orchestrator orchestrate: loses no committed event, recovers the WAL, migrates cleanly and resumes', async () => {
    const db = fx.db('orchestrate');
    const first = start(['orchestrate', '--interval', '0.05'], fx.env(db));
    await first.waitForCount('40 actions', isAction, 40, 60_000);

    const committed = await eventRows(db);
    const killedAt = Date.now();
    first.signal('SIGKILL');
    const exit = await first.exitWithin(5_000);
    expect(exit.signal).toBe('SIGKILL');
    const loggedBefore = first.actions().filter((l) => Number(l.time) < killedAt - 1_000).length;

    // the crash left a write-ahead log behind: the next open must recover it
    expect(existsSync(`${db}-wal`)).toBe(true);
    const walBytes = statSync(`${db}-wal`).size;
    expect(await sql(db, 'pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const afterCrash = await eventRows(db);
    const present = new Set(afterCrash.map((r) => r.uuid));
    expect(committed.filter((r) => !present.has(r.uuid))).toEqual([]);
    // an action logged a second before the kill had long been committed (the writer flushes every 50 ms)
    expect(afterCrash.length).toBeGreaterThanOrEqual(loggedBefore);

    const second = start(['orchestrate', '--interval', '0.05'], fx.env(db));
    await second.waitForCount('20 actions after the restart', isAction, 20, 60_000);
    expect(second.lines.find((l) => l.msg === 'store migrated')).toBeUndefined();
    second.signal('SIGTERM');
    expect(await second.exitWithin(15_000)).toMatchObject({ code: 0 });

    const final = await eventRows(db);
    const finalIds = new Set(final.map((r) => r.uuid));
    expect(afterCrash.filter((r) => !finalIds.has(r.uuid))).toEqual([]);
    expect(final.length).toBe(afterCrash.length + second.actions().length);
    const migrations = await sql<{ name: string }>(db, 'select name from orch_migrations order by applied_at, name');
    expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
    console.info(
      `kill -9: ${committed.length} rows read just before, ${afterCrash.length} after (logged ${first.actions().length}), ` +
        `WAL ${walBytes} bytes recovered; restart added ${second.actions().length}`,
    );
  }, 180_000);

  it('decnet-orchestrator emailgen: no email delivered twice, and threads continue from the store after the restart', async () => {
    const db = fx.db('emailgen');
    const pool = join(fx.dir, 'personas.json');
    writeFileSync(
      pool,
      JSON.stringify([
        { name: 'Ana Lima', email: 'ana@corp.example', role: 'Controller', active_hours: '00:00-00:00', reply_latency: 'fast' },
        { name: 'Ben Ode', email: 'ben@corp.example', role: 'Buyer', active_hours: '00:00-00:00', reply_latency: 'fast' },
        { name: 'Cy Park', email: 'cy@corp.example', role: 'Admin', active_hours: '00:00-00:00', reply_latency: 'fast' },
        { name: 'Di Roy', email: 'di@corp.example', role: 'Sales', active_hours: '00:00-00:00', reply_latency: 'fast' },
      ]),
    );
    const env = fx.env(db, { DECNET_EMAILGEN_LLM: 'fake', DECNET_EMAILGEN_PERSONAS: pool, DECNET_SPOOL_ROOT: SPOOL });
    const first = start(['emailgen', '--interval', '0.1'], env);
    // enough history that most of the six pairs have a thread to continue
    await first.waitForCount('16 emails', isEmail, 16, 90_000);
    // a moment later the next email is being written or delivered: the kill lands mid-flight
    await new Promise((r) => setTimeout(r, 60 + Math.random() * 120));
    first.signal('SIGKILL');
    await first.exitWithin(5_000);
    const beforeRows = await emailRows(db);
    const before = new Set(beforeRows.filter((r) => r.success === 1).map((r) => r.message_id));

    const second = start(['emailgen', '--interval', '0.1'], env);
    await second.waitForCount('12 emails after the restart', isEmail, 12, 90_000);
    second.signal('SIGTERM');
    expect(await second.exitWithin(15_000)).toMatchObject({ code: 0 });

    const rows = await emailRows(db);
    const delivered = rows.filter((r) => r.success === 1);
    const ids = delivered.map((r) => r.message_id);
    expect(new Set(ids).size).toBe(ids.length);

    // the spool as the mail decky holds it: one file per Message-ID, never two
    const files = await spoolMessageIds(docker, `${fx.name('mail')}-imap`);
    const perId = new Map<string, number>();
    for (const f of files) perId.set(f.messageId, (perId.get(f.messageId) ?? 0) + 1);
    expect([...perId.entries()].filter(([, n]) => n > 1)).toEqual([]);
    for (const r of delivered) expect(files.map((f) => f.path)).toContain(r.eml_path);
    // at most the one email in flight at the kill reached the spool without its row
    const orphans = files.filter((f) => !delivered.some((r) => r.eml_path === f.path));
    expect(orphans.length).toBeLessThanOrEqual(1);

    const afterReplies = delivered.filter((r) => !before.has(r.message_id) && r.in_reply_to !== null);
    expect(afterReplies.some((r) => before.has(r.in_reply_to!))).toBe(true);
    console.info(
      `emailgen kill -9: ${before.size} delivered before, ${delivered.length - before.size} after, ` +
        `${files.length} spool files, ${orphans.length} orphan(s), ${afterReplies.length} post-restart replies`,
    );
  }, 240_000);
});

function emailRows(db: string): Promise<EmailRow[]> {
  return sql<EmailRow>(
    db,
    'select uuid, message_id, in_reply_to, thread_id, eml_path, success from orchestrator_emails order by ts, rowid',
  );
}

// every .eml in the spool with the Message-ID header it carries
async function spoolMessageIds(docker: Docker, container: string): Promise<Array<{ path: string; messageId: string }>> {
  const exec = await docker.getContainer(container).exec({
    Cmd: ['sh', '-c', 'find "$1" -name "*.eml" -type f -exec grep -H -m1 -i "^Message-ID:" {} +', 'sh', SPOOL],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let i = 0; i + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(i + 4);
    if (raw[i] === 1) out.push(raw.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => {
      const at = l.indexOf(':');
      return {
        path: l.slice(0, at),
        messageId: l
          .slice(at + 1)
          .replace(/^message-id:\s*/i, '')
          .trim(),
      };
    });
}
