import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { localMinutes } from '../../src/machines/email/active-hours.js';
import { loginFor } from '../../src/machines/realism/user-name.js';
import { hasDocker } from '../support/docker-available.js';
import { type OllamaTestServer, startOllamaServer } from '../support/ollama-server.js';
import { CLI, type CliRun, runCli } from '../support/run-cli.js';
import { variedEmail } from '../support/varied-email.js';

// `scripts/realism-report.sh` runs this file with DECNET_CLI (a fresh build) and
// DECNET_REALISM_REPORT (where the report text goes); CI runs it against dist/
const cli = process.env.DECNET_CLI ?? CLI;
const docker = new Docker();
const tag = `rz${Math.random().toString(36).slice(2, 7)}`;
const SPOOL = '/var/spool/mail-archive';
// offices around the world: the run uses the one whose working day is at its middle now, so the
// live emails fall inside their authors' hours as they would for a real office
const ZONES = [
  'Pacific/Auckland',
  'Australia/Sydney',
  'Asia/Tokyo',
  'Asia/Shanghai',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/Berlin',
  'Europe/London',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Pacific/Honolulu',
];

/** The zone whose local time is closest to 13:00 now. */
function officeZone(now: Date): string {
  const distance = (z: string) => Math.abs(localMinutes(now, z) - 13 * 60);
  return [...ZONES].sort((a, b) => distance(a) - distance(b))[0]!;
}

// the daemons here run with their history backfill, as an operator's would
function run(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(args, { LOG_LEVEL: 'warn', DECNET_NO_BACKFILL: '0', ...env }, { timeoutMs: 300_000, cli });
}

describe.runIf(hasDocker)('decnet-orchestrator realism check › a fresh daemon run on the real engine passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'realism-run-'));
  const zone = officeZone(new Date());
  const env: Record<string, string> = {
    DECNET_DB: join(dir, 'orchestrator.sqlite'),
    DECNET_DOCKER_SCOPE: `decnet.scope=${tag}`,
    DECNET_SPOOL_ROOT: SPOOL,
    DECNET_EMAILGEN_PERSONAS: join(dir, 'personas.json'),
    DECNET_EMAILGEN_LLM: 'ollama',
    DECNET_EMAILGEN_MODEL: 'llama3.1',
    DECNET_EXEC_TIMEOUT: '20',
  };
  const office = (name: string, role: string, latency: string) => ({
    name,
    email: `${name.split(' ')[0]!.toLowerCase()}.${name.split(' ')[1]!.toLowerCase()}@northwind.example`,
    role,
    language: 'en',
    active_hours: '08:30-17:30',
    timezone: zone,
    reply_latency: latency,
  });
  const PERSONAS = [
    office('Maya Lindqvist', 'Finance controller', 'normal'),
    office('Tom Becker', 'Purchasing lead', 'fast'),
    office('Priya Raman', 'IT manager', 'slow'),
    office('Jonas Weber', 'Office manager', 'normal'),
  ];
  const commands: string[] = [];
  let launched: LaunchedNetwork;
  let llm: OllamaTestServer;
  const steps: Record<string, CliRun> = {};
  let report: {
    verdict: string;
    pass: boolean;
    corpus: Record<string, unknown>;
    checks: { name: string; pass: boolean; skipped: boolean; figure: number }[];
  };
  let text: CliRun;

  beforeAll(async () => {
    writeFileSync(env.DECNET_EMAILGEN_PERSONAS!, JSON.stringify(PERSONAS));
    launched = await launchDeckies(docker, `${tag}-net`, [
      { name: `${tag}-web01`, services: ['ssh'], labels: { 'decnet.scope': tag } },
      { name: `${tag}-files01`, services: ['ssh'], labels: { 'decnet.scope': tag } },
      { name: `${tag}-mail01`, services: ['ssh', 'imap'], labels: { 'decnet.scope': tag } },
    ]);
    // the office's boxes have its people's accounts (two each); the mail host has none, so it gets the machine's files only
    PERSONAS.forEach((p, i) => {
      const box = `${tag}-${i < 2 ? 'web01' : 'files01'}-ssh`;
      execFileSync('docker', ['exec', box, 'useradd', '-m', '-s', '/bin/bash', '-c', p.name, '--', loginFor(p.email)]);
    });
    llm = await startOllamaServer();
    let n = 0;
    llm.setDefault({ kind: 'write', write: (prompt) => variedEmail(prompt, 1000 + n++) });
    const withLlm = { ...env, OLLAMA_HOST: llm.url };
    const step = async (name: string, args: string[]) => {
      commands.push(`decnet-orchestrator ${args.join(' ')}`);
      steps[name] = await run(args, withLlm);
    };
    await step('orchestrate', ['orchestrate', '--interval', '0.5', '--ticks', '60']);
    await step('emailgen', ['emailgen', 'run', '--interval', '0.5', '--ticks', '40']);
    await step('check', ['realism', 'check', '--inspect-deckies']);
    text = steps.check!;
    const json = await run(['realism', 'check', '--inspect-deckies', '--json'], withLlm);
    try {
      report = JSON.parse(json.stdout.trim().split('\n').at(-1)!);
    } catch {
      const tail = (r?: CliRun) => `exit ${r?.code}\n${r?.stdout.slice(-2000)}\n${r?.stderr.slice(-2000)}`;
      throw new Error(
        Object.entries({ ...steps, json })
          .map(([k, r]) => `--- ${k}: ${tail(r)}`)
          .join('\n'),
      );
    }
    const out = process.env.DECNET_REALISM_REPORT;
    if (out) {
      const header = [
        `# ${new Date().toISOString().slice(0, 16)}Z, office zone ${zone}, ${PERSONAS.length} personas, containers ${launched.containers.join(' ')}`,
        ...commands.map((c) => `$ ${c}`),
        '',
      ];
      writeFileSync(out, `${header.join('\n')}${text.stdout}exit status ${text.code}\n`);
    }
  }, 900_000);

  afterAll(async () => {
    await llm?.close();
    if (launched) await removeDeckies(docker, launched);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ran the daemon: orchestrate and emailgen exited 0 and produced activity', () => {
    expect(steps.orchestrate?.code, steps.orchestrate?.stderr).toBe(0);
    expect(steps.emailgen?.code, steps.emailgen?.stderr).toBe(0);
    expect(report.corpus).toMatchObject({ inspected: true });
    expect(report.corpus.emails as number).toBeGreaterThanOrEqual(10);
    expect(report.corpus.events as number).toBeGreaterThanOrEqual(20);
  });

  it('passes every check, and the ones that matter most really ran', () => {
    expect(report.checks.filter((c) => !c.pass)).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(text.code, text.stdout).toBe(0);
    const ran = new Set(report.checks.filter((c) => !c.skipped).map((c) => c.name));
    for (const name of [
      'emails-outside-hours',
      'mtime-matches-date',
      'mime-headers',
      'trace-headers',
      'received-chain',
      'files-outside-hours',
      'date-zone',
      'identical-bodies',
      'em-dash-rate',
      'sender-is-recipient',
      'product-name-visible',
      'epoch-file-names',
    ]) {
      expect(ran, name).toContain(name);
    }
  });
});
