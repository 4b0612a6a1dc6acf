import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { startEmailgen } from '../../src/actors/email/emailgen.runtime.js';
import { DECKY_IMAGE, type LaunchedNetwork, launchDeckies, removeDeckies } from '../../src/demo/decky-launcher.js';
import { createMemoryBus } from '../../src/infra/bus/impl/memory.js';
import { createDocker } from '../../src/infra/docker/docker.factory.js';
import { getLlm } from '../../src/infra/llm/factory.js';
import { PersonaPool } from '../../src/infra/personas/pool.js';
import { openStore } from '../../src/infra/store/store.factory.js';
import { startPeer } from '../peers/peer.js';
import { daemonLogger, newTap, tapPort } from '../lib/daemon.js';
import { closedLoop, rawDockerodeExec } from '../lib/exec-loops.js';
import { sleep, startMeter } from '../lib/measure.js';
import { figure, type ScenarioResult } from '../lib/report.js';
import { benchPersona, LLM_REPLY } from './scale.js';

/** Size of the email run. */
export interface EmailOptions {
  /** mail decky containers (`-imap`); the emailgen worker delivers into each one at a time */
  mailDeckies: number;
  /** personas in the host pool (each writes on every mail decky) */
  personas: number;
  seconds: number;
  dir: string;
  /** scenario 1's raw dockerode actions/s, when it ran */
  rawCeiling?: number;
}

/**
 * Scenario 4: the emailgen worker (persona and mail decky actors, thread lookup, the `ollama`
 * client against a loopback Ollama server answering at once, EML build, delivery exec with the
 * EML on stdin, email rows) on real mail deckies, emails delivered per second; against the raw
 * exec ceiling of scenario 1 and a raw dockerode loop replaying the same deliveries.
 */
export async function emailScenario(opts: EmailOptions): Promise<ScenarioResult> {
  const id = 'email';
  const title = 'Email pipeline, zero-latency LLM, real engine';
  const docker = new Docker();
  try {
    await docker.ping();
    await docker.getImage(DECKY_IMAGE).inspect();
  } catch (err) {
    return { id, title, figures: [], info: {}, skipped: `no Docker engine or image ${DECKY_IMAGE}: ${(err as Error).message}` };
  }
  const tag = `benchm${randomBytes(3).toString('hex')}`;
  const dir = join(opts.dir, 'email');
  mkdirSync(dir, { recursive: true });
  const poolFile = join(dir, 'personas.json');
  writeFileSync(poolFile, JSON.stringify(Array.from({ length: opts.personas }, (_, i) => ({ ...benchPersona(i), reply_latency: 'fast' }))));
  const specs = Array.from({ length: opts.mailDeckies }, (_, i) => ({
    name: `${tag}-m${i}`,
    services: ['imap'],
    labels: { 'decnet.scope': tag },
  }));
  let launched: LaunchedNetwork | undefined;
  const peer = await startPeer({ dir, ollamaReply: LLM_REPLY });
  try {
    launched = await launchDeckies(docker, `${tag}-net`, specs);
    const store = await openStore({ dbPath: join(dir, 'email.sqlite') });
    const port = createDocker({ scope: `decnet.scope=${tag}` });
    const tap = newTap();
    const logger = daemonLogger();
    const handle = startEmailgen({
      settings: {
        intervalMs: 300_000,
        spoolRoot: '/var/spool/decnet-emails',
        resyncMs: 600_000,
        heartbeatMs: 600_000,
        persona: { meanGapMs: 200 },
      },
      inventory: store.inventory,
      topologies: store.inventory,
      emails: store.emails,
      pool: new PersonaPool({ logger, env: { DECNET_EMAILGEN_PERSONAS: poolFile } }),
      llm: getLlm({ DECNET_EMAILGEN_LLM: 'ollama', OLLAMA_HOST: peer.ollamaUrl }),
      bus: createMemoryBus({ logger }),
      logger,
      docker: tapPort(port, tap, true),
      discover: true,
      seed: 11,
    });
    let emails: { sent: number; failed: number; perS: number; cpuMsPerEmail: number };
    try {
      for (let i = 0; tap.finished < 3; i++) {
        if (i > 3000) throw new Error('the emailgen worker delivered nothing in 30 s');
        await sleep(10);
      }
      const meter = startMeter();
      const finished0 = tap.finished;
      const failed0 = tap.failed;
      await sleep(opts.seconds * 1000);
      const m = meter.read();
      const sent = tap.finished - finished0;
      emails = { sent, failed: tap.failed - failed0, perS: (sent * 1000) / m.wallMs, cpuMsPerEmail: m.cpuMs / Math.max(sent, 1) };
    } finally {
      await handle.stop('bench');
      await store.close();
    }
    const replay = tap.requests.slice(0, Math.max(emails.sent, 1));
    const r = await closedLoop(replay, opts.mailDeckies, (req) => rawDockerodeExec(docker, req));
    const raw = { perS: (r.actions * 1000) / r.wallMs, cpuMsPerExec: r.cpuMs / r.actions, failed: r.failed };
    port.close?.();
    const figures = [
      figure('emails delivered', 'emails/s', emails.perS, { baseline: { name: 'raw dockerode, same deliveries', value: raw.perS } }),
      figure('CPU per email', 'ms', emails.cpuMsPerEmail, { baseline: { name: 'raw dockerode exec', value: raw.cpuMsPerExec } }),
    ];
    if (opts.rawCeiling !== undefined) {
      figures.splice(
        1,
        0,
        figure('emails vs exec ceiling', 'emails/s', emails.perS, { baseline: { name: 'scenario 1 raw exec', value: opts.rawCeiling } }),
      );
    }
    return {
      id,
      title,
      figures,
      info: { mailDeckies: opts.mailDeckies, personaActors: opts.mailDeckies * opts.personas, emails, raw, path: 'emailgen runtime' },
    };
  } finally {
    if (launched) await removeDeckies(docker, launched);
    await peer.close();
  }
}
