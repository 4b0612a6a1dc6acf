import { fmt, figure, type Figure, type ScenarioResult } from '../lib/report.js';
import { growthSvg } from '../lib/plot.js';
import type { GrowthRow } from './scale.js';

/** Per-actor figures of one size, the rows of the growth table. */
export interface GrowthPoint {
  size: number;
  deckyStartupUsPerActor: number;
  personaStartupUsPerActor: number;
  deckyRssKbPerActor: number;
  personaRssKbPerActor: number;
  deckyHeapKbPerActor: number;
  personaHeapKbPerActor: number;
  cpuMsPerAction: number;
  cpuMsPerEmail: number;
  lagP50: number;
  lagP99: number;
  personaLagP99: number;
  /** graceful stop of the orchestrator, ms (NaN: skipped at this size) */
  deckyStopMs: number;
  /** the orchestrator's share of one core over the window */
  deckyCpuPercent: number;
}

/** The per-actor view of one scale run. */
export function growthPoints(rows: readonly GrowthRow[]): GrowthPoint[] {
  return rows.map((r) => ({
    size: r.size,
    deckyStartupUsPerActor: (r.deckies.startupMs * 1000) / r.size,
    personaStartupUsPerActor: (r.personas.startupMs * 1000) / r.personas.personas,
    deckyRssKbPerActor: r.deckies.rssPerActorKb,
    deckyHeapKbPerActor: r.deckies.heapPerActorKb,
    personaRssKbPerActor: r.personas.rssPerActorKb,
    personaHeapKbPerActor: r.personas.heapPerActorKb,
    cpuMsPerAction: r.deckies.cpuMsPerAction,
    cpuMsPerEmail: r.personas.emails > 0 ? r.personas.cpuMsPerEmail : Number.NaN,
    lagP50: r.deckies.lag.p50,
    lagP99: r.deckies.lag.p99,
    personaLagP99: r.personas.lag.p99,
    deckyStopMs: r.deckies.stopMs,
    deckyCpuPercent: r.deckies.cpuPercent,
  }));
}

/** The growth table as markdown. */
export function growthMarkdown(points: readonly GrowthPoint[]): string {
  const head =
    '| actors (deckies + personas) | start-up µs/decky | start-up µs/persona | heap KB/decky | heap KB/persona | RSS KB/decky | RSS KB/persona | orchestrator CPU % | CPU ms/action | CPU ms/email | lag p50 ms | lag p99 ms | persona lag p99 ms | stop ms |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = points.map(
    (p) =>
      `| ${p.size} + ${p.size} | ${fmt(p.deckyStartupUsPerActor)} | ${fmt(p.personaStartupUsPerActor)} | ${fmt(p.deckyHeapKbPerActor)} | ${fmt(p.personaHeapKbPerActor)} | ${fmt(p.deckyRssKbPerActor)} | ${fmt(p.personaRssKbPerActor)} | ${fmt(p.deckyCpuPercent)} | ${fmt(p.cpuMsPerAction)} | ${fmt(p.cpuMsPerEmail)} | ${fmt(p.lagP50)} | ${fmt(p.lagP99)} | ${fmt(p.personaLagP99)} | ${fmt(p.deckyStopMs)} |`,
  );
  return [head, sep, ...lines].join('\n');
}

/** The growth plot (SVG): six panels, x = actors of each kind, log scale. */
export function growthPlot(points: readonly GrowthPoint[]): string {
  const xs = points.map((p) => p.size);
  const v = (f: (p: GrowthPoint) => number) => points.map((p) => (Number.isFinite(f(p)) ? f(p) : null));
  const decky = '#1f77b4';
  const persona = '#d62728';
  return growthSvg(
    'decnet-orchestrator: cost per actor from 100 to 10,000 deckies + personas',
    xs,
    [
      {
        title: 'start-up per actor',
        unit: 'µs (log)',
        log: true,
        series: [
          { name: 'decky (orchestrator)', color: decky, values: v((p) => p.deckyStartupUsPerActor) },
          { name: 'persona (emailgen)', color: persona, values: v((p) => p.personaStartupUsPerActor) },
        ],
      },
      {
        title: 'memory per actor (heap growth)',
        unit: 'KB',
        series: [
          { name: 'decky', color: decky, values: v((p) => p.deckyHeapKbPerActor) },
          { name: 'persona', color: persona, values: v((p) => p.personaHeapKbPerActor) },
        ],
      },
      {
        title: 'orchestrator CPU per action',
        unit: 'ms',
        series: [{ name: 'per decky action', color: decky, values: v((p) => p.cpuMsPerAction) }],
      },
      {
        title: 'emailgen CPU per email',
        unit: 'ms (log)',
        log: true,
        series: [{ name: 'per email', color: persona, values: v((p) => p.cpuMsPerEmail) }],
      },
      {
        title: 'decky dispatch lag (scheduled → exec start)',
        unit: 'ms',
        target: { value: 50, label: 'target p99 50 ms' },
        series: [
          { name: 'p50', color: decky, values: v((p) => p.lagP50) },
          { name: 'p99', color: '#2ca02c', values: v((p) => p.lagP99) },
        ],
      },
      {
        title: 'persona lag (asked → first effect)',
        unit: 'ms (log)',
        log: true,
        target: { value: 50, label: '50 ms' },
        series: [{ name: 'p99', color: persona, values: v((p) => p.personaLagP99) }],
      },
    ],
    2,
  );
}

/** Scenario 5: how the per-actor figures move from the smallest to the largest size (flat is the goal). */
export function growthScenario(rows: readonly GrowthRow[]): ScenarioResult {
  const points = growthPoints(rows);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const vs = (name: string, unit: string, f: (p: GrowthPoint) => number): Figure =>
    figure(`${name}, ${last.size} vs ${first.size}`, unit, f(last), { baseline: { name: `at ${first.size}`, value: f(first) } });
  return {
    id: 'growth',
    title: 'Growth: per-actor figures from 100 to 10,000 actors',
    figures: [
      vs('start-up per decky', 'µs', (p) => p.deckyStartupUsPerActor),
      vs('start-up per persona', 'µs', (p) => p.personaStartupUsPerActor),
      vs('heap per decky', 'KB', (p) => p.deckyHeapKbPerActor),
      vs('heap per persona', 'KB', (p) => p.personaHeapKbPerActor),
      vs('CPU per action', 'ms', (p) => p.cpuMsPerAction),
      vs('CPU per email', 'ms', (p) => p.cpuMsPerEmail),
      vs('dispatch lag p99', 'ms', (p) => p.lagP99),
    ],
    info: { points, markdown: growthMarkdown(points) },
  };
}
