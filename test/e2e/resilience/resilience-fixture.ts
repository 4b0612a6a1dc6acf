import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import sqlite3 from 'sqlite3';
import { type DeckySpec, type LaunchedNetwork, launchDeckies, removeDeckies } from '../../../src/demo/decky-launcher.js';

/** A row of `orchestrator_events` as the raw driver reads it. */
export interface EventRow {
  uuid: string;
  kind: string;
  dst_decky_uuid: string;
  success: number;
}

/**
 * Deckies of one test file on one engine, labelled `decnet.scope=<tag>` so that a daemon started
 * with `DECNET_DOCKER_SCOPE` sees only them (other files run beside this one on the engine).
 */
export class ScopedDeckies {
  readonly tag = `dnr${randomBytes(3).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'decnet-resilience-'));
  private launched: LaunchedNetwork | undefined;

  constructor(readonly docker: Docker) {}

  /** `<tag>-<short>`: the decky name for a short name */
  name(short: string): string {
    return `${this.tag}-${short}`;
  }

  /** Starts ssh deckies with the scope label and waits until each sshd listens. */
  async launch(shorts: readonly string[], extra: readonly DeckySpec[] = []): Promise<void> {
    const specs: DeckySpec[] = [
      ...shorts.map((s) => ({ name: this.name(s), services: ['ssh'], labels: { 'decnet.scope': this.tag } })),
      ...extra.map((d) => ({ ...d, labels: { 'decnet.scope': this.tag, ...d.labels } })),
    ];
    this.launched = await launchDeckies(this.docker, `${this.tag}-net`, specs);
    await Promise.all(specs.filter((d) => d.services.includes('ssh')).map((d) => waitForSshd(this.docker, `${d.name}-ssh`)));
  }

  /** Environment of a daemon managing exactly these deckies, on `db`. */
  env(db: string, extra: Record<string, string> = {}): Record<string, string> {
    return { DECNET_DB: db, DECNET_DOCKER_SCOPE: `decnet.scope=${this.tag}`, ...extra };
  }

  /** A fresh database path in this file's temp dir. */
  db(name: string): string {
    return join(this.dir, `${name}.sqlite`);
  }

  /** Removes the containers, the network and the temp dir; never throws. */
  async cleanup(): Promise<void> {
    if (this.launched) await removeDeckies(this.docker, this.launched);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls the container's log until sshd says it listens (its first connections would fail). */
export async function waitForSshd(docker: Docker, container: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const logs = (await docker.getContainer(container).logs({ stdout: true, stderr: true })).toString('utf8');
    if (/Server listening on/.test(logs)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd in ${container} did not start within ${timeoutMs} ms`);
}

/**
 * Makes every exec in `container` hang: the drivers run each command under coreutils `timeout`,
 * which is replaced by a script that never returns (an attacker-controlled decky can do that).
 */
export async function makeExecsHang(docker: Docker, container: string): Promise<void> {
  const script = Buffer.from('#!/bin/sh\nexec sleep 100000\n').toString('base64');
  const exec = await docker.getContainer(container).exec({
    Cmd: ['sh', '-c', `echo ${script} | base64 -d > /tmp/t && chmod +x /tmp/t && mv /tmp/t /usr/bin/timeout`],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  await new Promise((r) => stream.on('end', r));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`could not replace timeout in ${container}: rc ${ExitCode}`);
}

/** Runs one query on the file with the raw driver (an outside view), waiting out other writers. */
export function sql<T = Record<string, unknown>>(dbPath: string, query: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READWRITE, (err) => {
      if (err) return reject(err);
      db.configure('busyTimeout', 10_000);
      db.all(query, params, (qErr, rows) => {
        db.close();
        if (qErr) reject(qErr);
        else resolve(rows as T[]);
      });
    });
  });
}

/** Every event row, oldest first. */
export function eventRows(dbPath: string): Promise<EventRow[]> {
  return sql<EventRow>(dbPath, 'select uuid, kind, dst_decky_uuid, success from orchestrator_events order by ts, rowid');
}

/** `kind/dst/success` of each row or action line, sorted: two runs compare as multisets. */
export function actionKeys(items: ReadonlyArray<Record<string, unknown>>): string[] {
  return items.map((i) => `${String(i.kind)}/${String(i.dst)}/${i.success ? 'ok' : 'failed'}`).sort();
}

/** The same key for event rows. */
export function rowKeys(rows: readonly EventRow[]): string[] {
  return actionKeys(rows.map((r) => ({ kind: r.kind, dst: r.dst_decky_uuid, success: r.success === 1 })));
}
