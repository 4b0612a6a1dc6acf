import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

/** A target a figure is held to, and whether this run met it. */
export interface Target {
  text: string;
  met: boolean;
}

/** One measured figure, with the baseline measured in the same run and their ratio. */
export interface Figure {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  target?: Target;
  note?: string;
}

/** What one scenario measured; `skipped` says why it did not run. */
export interface ScenarioResult {
  id: string;
  title: string;
  figures: Figure[];
  /** raw numbers behind the figures (per-variant counts, sizes, settings) */
  info: Record<string, unknown>;
  skipped?: string;
}

/** The machine a run happened on. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  docker: string;
}

/** A whole `npm run bench` run. */
export interface BenchReport {
  machine: MachineInfo;
  startedAt: string;
  durationMs: number;
  scenarios: ScenarioResult[];
}

/** A figure with an optional baseline (ratio computed) and target. */
export function figure(
  name: string,
  unit: string,
  value: number,
  opts: { baseline?: { name: string; value: number }; target?: Target; note?: string } = {},
): Figure {
  const f: Figure = { name, unit, value };
  if (opts.baseline) {
    f.baseline = opts.baseline;
    f.ratio = opts.baseline.value === 0 ? Number.NaN : value / opts.baseline.value;
  }
  if (opts.target) f.target = opts.target;
  if (opts.note) f.note = opts.note;
  return f;
}

/** A target `value op bound`, e.g. atLeast(ratio, 0.9, '≥ 0.9 × raw'). */
export function atLeast(value: number, bound: number, text: string): Target {
  return { text, met: Number.isFinite(value) && value >= bound };
}

/** A target `value ≤ bound`. */
export function atMost(value: number, bound: number, text: string): Target {
  return { text, met: Number.isFinite(value) && value <= bound };
}

/** Describes this machine (CPU, memory, node, Docker engine version when one answers). */
export function machineInfo(): MachineInfo {
  let docker = 'none';
  try {
    docker = execFileSync('docker', ['version', '--format', 'server {{.Server.Version}}, client {{.Client.Version}}'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // no CLI or no engine: the exec scenarios say so themselves
  }
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    docker,
  };
}

/** A number in at most 3 significant digits (integers kept whole). */
export function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

/** The report as a plain-text table, one row per figure. */
export function formatTable(report: BenchReport): string {
  const rows: string[][] = [['scenario', 'figure', 'value', 'baseline', 'ratio', 'target', '']];
  for (const s of report.scenarios) {
    if (s.skipped) {
      rows.push([s.id, `skipped: ${s.skipped}`, '', '', '', '', '']);
      continue;
    }
    for (const f of s.figures) {
      rows.push([
        s.id,
        f.name,
        `${fmt(f.value)} ${f.unit}`,
        f.baseline ? `${fmt(f.baseline.value)} (${f.baseline.name})` : '',
        f.ratio === undefined ? '' : `${fmt(f.ratio)}×`,
        f.target?.text ?? '',
        f.target ? (f.target.met ? 'met' : 'MISSED') : '',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const m = report.machine;
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, docker ${m.docker}`,
    line(rows[0]!),
    ...rows.slice(1).map(line),
  ].join('\n');
}
