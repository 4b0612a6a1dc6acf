import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_BATCH } from '../src/actors/event-writer.js';
import { type BenchReport, formatTable, machineInfo, type ScenarioResult } from './lib/report.js';
import { emailScenario } from './scenarios/email.js';
import { eventStoreScenario } from './scenarios/event-store.js';
import { execPathScenario } from './scenarios/exec-path.js';
import { growthPlot, growthScenario } from './scenarios/growth.js';
import { scaleScenario } from './scenarios/scale.js';

// `npm run bench [-- --json] [--only exec-path,scale,event-store,email,growth] [--sizes 100,1000,10000]
// [--seconds N] [--plot docs/bench-growth.svg] [--out FILE.json]`
const USAGE = 'usage: bench [--json] [--only ids] [--sizes a,b,c] [--seconds n] [--plot file.svg] [--out file.json]';
const IDS = ['exec-path', 'scale', 'event-store', 'email', 'growth'];
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
if (args.includes('--help')) {
  process.stdout.write(`${USAGE}\nscenarios: ${IDS.join(', ')}\n`);
  process.exit(0);
}
const only = opt('--only')?.split(',');
const unknown = only?.filter((id) => !IDS.includes(id)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; valid: ${IDS.join(', ')}\n`);
  process.exit(2);
}
const wants = (id: string) => !only || only.includes(id);
const sizes = (opt('--sizes') ?? '100,1000,10000').split(',').map(Number);
const seconds = Number(opt('--seconds') ?? 10);
const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const dir = mkdtempSync(join(tmpdir(), 'decnet-bench-'));
const t0 = Date.now();
const loadBefore = loadavg()[0]!;
const scenarios: ScenarioResult[] = [];
let plot: string | undefined;
try {
  let rawCeiling: number | undefined;
  if (wants('exec-path')) {
    progress('1/5 exec path on the real engine');
    const s1 = await execPathScenario({ deckies: 4, seconds: 6, dir });
    rawCeiling = (s1.info.raw as { actionsPerS?: number } | undefined)?.actionsPerS;
    scenarios.push(s1);
  }
  if (wants('scale') || wants('growth')) {
    progress(`2/5 scale on a fake engine, sizes ${sizes.join(', ')}`);
    const { result, growth } = await scaleScenario({
      sizes,
      seconds,
      dir,
      ratePerDeckyPerHour: 30,
      intervalMs: 5_000,
      personaMeanGapMs: 4 * 3_600_000,
      emailIntervalMs: 1_000,
      poolSize: 10,
      capacityDeckies: 200,
      capacitySeconds: 4,
      workerTimeoutMs: Number(opt('--worker-timeout') ?? 150) * 1000,
    });
    if (wants('scale')) scenarios.push(result);
    if (wants('growth')) {
      scenarios.push(growthScenario(growth));
      plot = growthPlot(scenarios[scenarios.length - 1]!.info.points as Parameters<typeof growthPlot>[0]);
    }
  }
  if (wants('event-store')) {
    progress('3/5 event store');
    // MariaDB beside SQLite (issue 11): DECNET_BENCH_MARIADB_URL, default the test server scripts/setup.sh starts
    const mariadbUrl = process.env.DECNET_BENCH_MARIADB_URL ?? 'mysql://decnet:decnet@127.0.0.1:3306/';
    scenarios.push(
      await eventStoreScenario({
        seconds: 8,
        dir,
        destinations: 20,
        keep: 1_000,
        pruneEveryRows: 10_000,
        batch: DEFAULT_MAX_BATCH,
        rounds: 4,
        mariadbUrl,
      }),
    );
  }
  if (wants('email')) {
    progress('4/5 email pipeline');
    scenarios.push(await emailScenario({ mailDeckies: 4, personas: 6, seconds: 8, dir, ...(rawCeiling ? { rawCeiling } : {}) }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const report: BenchReport & { loadAverage: { before: number; after: number } } = {
  machine: machineInfo(),
  startedAt: new Date(t0).toISOString(),
  durationMs: Date.now() - t0,
  loadAverage: { before: loadBefore, after: loadavg()[0]! },
  scenarios,
};
const plotFile = opt('--plot');
if (plotFile && plot) writeFileSync(plotFile, plot);
const outFile = opt('--out');
if (outFile) writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const growth = scenarios.find((s) => s.id === 'growth');
  process.stdout.write(`${formatTable(report)}\n`);
  process.stdout.write(
    `load average (1 min): ${report.loadAverage.before.toFixed(1)} before, ${report.loadAverage.after.toFixed(1)} after; ${Math.round(report.durationMs / 1000)} s\n`,
  );
  if (growth) process.stdout.write(`\n${String(growth.info.markdown)}\n`);
}
