#!/usr/bin/env node
import { errText } from '../domain/err-text.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { type CliContext, CliError } from '../surfaces/cli/cli-context.js';
import { parseOrchestrateOptions, runOrchestrate } from '../surfaces/cli/orchestrate.command.js';
import type { Envelope } from '../infra/bus/bus.port.js';
import { createMemoryBus } from '../infra/bus/impl/memory.js';
import { loadConfig } from '../infra/config/config.js';
import { createPinoLogger } from '../infra/log/impl/pino.js';
import { containerNamesOf, type LaunchedNetwork, launchDeckies, removeDeckies } from './decky-launcher.js';
import { formatEvent } from './format-event.js';

const SCOPE = 'decnet.scope=demo';
const NETWORK = 'decnet-demo-net';
const DECKIES = [
  { name: 'web01', services: ['ssh', 'http'] },
  { name: 'db01', services: ['ssh'] },
  { name: 'printer01', services: ['http'] },
].map((d) => ({ ...d, labels: { 'decnet.scope': 'demo' } }));

/**
 * The README's "run the main job": starts three labelled deckies (two with ssh, one without),
 * runs the orchestrator against them and prints each synthetic action as it happens.
 * Ctrl-C stops the orchestrator gracefully and removes what the demo started.
 */
async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const docker = new Docker();
  try {
    await docker.ping();
  } catch {
    process.stderr.write(
      `demo: no Docker engine answers at ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'} (start dockerd, or run \`sudo npm run demo\` so it can)\n`,
    );
    return 1;
  }
  // leftovers of an interrupted earlier run: only containers the demo made (on a DECNET host a
  // real decky may be called web01 too, and must never be touched)
  await removeDeckies(docker, { network: NETWORK, containers: await demoLeftovers(docker) });
  let launched: LaunchedNetwork | undefined;
  try {
    launched = await launchDeckies(docker, NETWORK, DECKIES);
    out(
      `demo: started ${DECKIES.map((d) => `${d.name} (${d.services.join(', ')})`).join(', ')} on ${NETWORK}; Ctrl-C stops and removes them`,
    );
    process.env.DECNET_DOCKER_SCOPE = SCOPE;
    process.env.DECNET_DB ??= join(mkdtempSync(join(tmpdir(), 'decnet-demo-')), 'decnet.sqlite');
    out(`demo: events are recorded in ${process.env.DECNET_DB}`);
    // the demo prints human lines: only errors come as JSON log lines (LOG_LEVEL overrides)
    const logger = createPinoLogger(process.env.LOG_LEVEL ?? 'error');
    const ctx: CliContext = { config: () => loadConfig(), logger, out };
    const bus = createMemoryBus({ logger });
    bus.subscribe('orchestrator.>', (e: Envelope) => out(formatEvent(e)));
    // the demo shows live actions from the first second: a history backfill would hold each decky's
    // first file action until its weeks of past are written (`decnet-orchestrator realism backfill` shows that)
    await runOrchestrate(parseOrchestrateOptions({ interval: args.interval, ticks: args.ticks, backfill: false }), ctx, {
      createBus: () => bus,
    });
    return 0;
  } catch (err) {
    process.stderr.write(`demo: ${errText(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    if (launched) {
      await removeDeckies(docker, launched);
      out('demo: removed the demo deckies');
    }
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function parseArgs(argv: string[]): { interval: string; ticks?: string } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const ticks = get('--ticks');
  return { interval: get('--interval') ?? '2', ...(ticks ? { ticks } : {}) };
}

process.exitCode = await main(process.argv.slice(2));

/** Containers named like the demo's that the demo made: its scope label, or a base on its network. */
async function demoLeftovers(docker: Docker): Promise<string[]> {
  const names = new Set(DECKIES.flatMap(containerNamesOf));
  const all = await docker.listContainers({ all: true });
  return all
    .filter((c) => c.Labels?.['decnet.scope'] === 'demo' || c.NetworkSettings?.Networks?.[NETWORK] !== undefined)
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => names.has(n));
}
