import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import type { BusPort } from '../../infra/bus/bus.port.js';
import type { Config } from '../../infra/config/config.js';
import { createLocalDocker } from '../../infra/docker/docker.factory.js';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import { createApiSources } from '../http/api-sources.js';
import type { PersonaView } from '../http/api-sources.port.js';
import { parseListenAddress } from '../http/listen-address.js';
import { startHttpServer } from '../http/server.js';
import { trackWorkerHealth } from '../http/worker-health.js';
import { STATELY_INSPECTOR_ORIGIN } from '../inspect/bridge-page.js';
import { DEFAULT_INSPECT_PORT, startInspector } from '../inspect/inspector.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { collectMetricsFromBus } from '../metrics/bus-metrics.js';
import { createOrchestratorMetrics } from '../metrics/orchestrator-metrics.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { type Persona, parsePersonaPool } from '../../domain/persona.js';
import { PersonaPool } from '../../infra/personas/pool.js';
import { buildRealismReport } from '../../actors/realism/realism-report.js';
import type { Store } from '../../infra/store/store.port.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import { CliError } from './cli-context.js';

/** The operator-facing flags both workers accept. */
export interface OperatorFlags {
  /** `--http [HOST:]PORT` */
  http?: string;
  /** `--inspect[=PORT]`: true for the default port */
  inspect?: string | boolean;
}

/** Commander option lines for the operator flags (so both workers describe them alike). */
export const OPERATOR_OPTIONS = [
  ['--http <[host:]port>', 'serve the HTTP API and dashboard (loopback unless DECNET_HTTP_TOKEN is set)'],
  [
    '--inspect [port]',
    `serve the XState inspector on loopback (default port ${DEFAULT_INSPECT_PORT}); its page loads the third-party Stately UI from ${STATELY_INSPECTOR_ORIGIN} in your browser`,
  ],
] as const;

/** The inspector, started before the root actor so it sees it from its first snapshot. */
export async function startInspectorIfAsked(
  flags: OperatorFlags,
  logger: Logger,
): Promise<{ inspect?: Observer<InspectionEvent>; close(): Promise<void> }> {
  if (flags.inspect === undefined || flags.inspect === false) return { close: async () => {} };
  const port = flags.inspect === true ? DEFAULT_INSPECT_PORT : Number(flags.inspect);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--inspect expects a port number (got "${String(flags.inspect)}")`, 2);
  }
  const handle = await startInspector({ port, logger });
  return { inspect: handle.inspect, close: () => handle.close() };
}

/** Everything the HTTP surface reads, from the worker that serves it. */
interface HttpSurfaceDeps {
  config: Config;
  store: Store;
  bus: BusPort;
  logger: Logger;
  /** the root actor whose `decky:<uuid>` children give each decky's machine state */
  root?: () => AnyActorRef | undefined;
  /** the engine `POST /api/v1/realism/check {"inspect": true}` reads the deckies through (default: the local one) */
  createDocker?: (config: Config, logger: Logger) => DockerPort;
  /** bound on one realism report over HTTP (default 120 s) */
  realismTimeoutMs?: number;
}

/** Starts the HTTP API and dashboard when `--http` is given (`url` once listening); `close` stops it (and its trackers). */
export async function startHttpIfAsked(flags: OperatorFlags, d: HttpSurfaceDeps): Promise<{ url?: string; close(): Promise<void> }> {
  if (!flags.http) return { close: async () => {} };
  let address: ReturnType<typeof parseListenAddress>;
  try {
    address = parseListenAddress(flags.http);
  } catch (err) {
    throw new CliError(`--http: ${(err as Error).message}`, 2);
  }
  const workers = trackWorkerHealth({ bus: d.bus });
  const registry = createMetricsRegistry();
  const stopMetrics = collectMetricsFromBus(d.bus, createOrchestratorMetrics(registry));
  const pool = new PersonaPool({ logger: d.logger });
  const sources = createApiSources({
    events: d.store.events,
    emails: d.store.emails,
    inventory: d.store.inventory,
    deckyStates: () => deckyStates(d.root?.()),
    personas: () => listPersonas(d.store, pool),
    workers,
    metrics: registry,
    // the excerpt emailgen keeps for reply prompts; the full EML stays on the mail decky
    readBody: async (e) => (typeof e.payload.body_excerpt === 'string' ? e.payload.body_excerpt : undefined),
    realismCheck: (o) => realismReport(d, pool, o.inspect, o.signal),
  });
  try {
    const http = await startHttpServer({
      ...address,
      ...(d.config.httpToken ? { token: d.config.httpToken } : {}),
      sources,
      bus: d.bus,
      logger: d.logger,
      ...(d.realismTimeoutMs === undefined ? {} : { realismTimeoutMs: d.realismTimeoutMs }),
    });
    return {
      url: http.url,
      close: async () => {
        await http.close();
        stopMetrics();
        workers.stop();
      },
    };
  } catch (err) {
    stopMetrics();
    workers.stop();
    throw new CliError(`--http: ${(err as Error).message}`, 2);
  }
}

// the `decnet-orchestrator realism check` report; inspection gets its own engine client, closed afterwards
async function realismReport(d: HttpSurfaceDeps, pool: PersonaPool, inspect: boolean, signal: AbortSignal) {
  const deps = {
    store: d.store,
    pool,
    logger: d.logger,
    spoolRoot: d.config.spoolRoot,
    hostZone: hostTimeZone(),
    execTimeoutMs: d.config.execTimeoutMs,
    signal,
  };
  if (!inspect) return buildRealismReport(deps);
  const docker = (d.createDocker ?? createLocalDocker)(d.config, d.logger);
  try {
    return await buildRealismReport(deps, docker);
  } finally {
    docker.close?.();
  }
}

// `decky:<uuid>` children of the supervisor → their state value as a dotted string
function deckyStates(root: AnyActorRef | undefined): Map<string, string> {
  const states = new Map<string, string>();
  const children = (root?.getSnapshot() as { children?: Record<string, AnyActorRef | undefined> } | undefined)?.children;
  for (const [id, child] of Object.entries(children ?? {})) {
    if (!id.startsWith('decky:') || !child) continue;
    states.set(id.slice('decky:'.length), stateName((child.getSnapshot() as { value?: unknown }).value));
  }
  return states;
}

function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0] ?? [];
    return k === undefined ? '?' : `${k}.${stateName(v)}`;
  }
  return '?';
}

// the host pool plus the personas of topologies that have running deckies
async function listPersonas(store: Store, pool: PersonaPool): Promise<PersonaView[]> {
  const view = (scope: string, p: Persona): PersonaView => ({
    scope,
    name: p.name,
    email: p.email,
    role: p.role,
    tone: p.tone,
    language: p.language,
    activeHours: p.active_hours,
    ...(p.timezone ? { timezone: p.timezone } : {}),
  });
  const out = (await pool.load()).map((p) => view('pool', p));
  const running = await store.inventory.listRunningDeckies();
  const topologyIds = new Set(running.flatMap((d) => (d.topologyId ? [d.topologyId] : [])));
  for (const id of topologyIds) {
    const t = await store.inventory.getTopology(id);
    if (!t) continue;
    const parsed = parsePersonaPool(t.emailPersonas, {
      languageDefault: t.languageDefault,
      ...(t.timezone ? { timezoneDefault: t.timezone } : {}),
    });
    out.push(...parsed.personas.map((p) => view(`topology:${t.name}`, p)));
  }
  return out;
}
