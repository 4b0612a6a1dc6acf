import { randomInt } from 'node:crypto';
import type { Actor } from 'xstate';
import type { DockerPort } from '../../infra/docker/docker.port.js';
import type { LLMBackend } from '../../infra/llm/base.js';
import { type BreakerOptions, CircuitBreaker } from '../../infra/llm/breaker.js';
import type { TopologyPersonaSource } from '../../infra/personas/persona-source.port.js';
import type { Persona } from '../../domain/persona.js';
import type { EmailStorePort } from '../../infra/store/email-store.port.js';
import type { RunningDecky } from '../../domain/decky.js';
import { createGroupHost } from '../../machines/emailgen/emailgen.group.js';
import { emailgenMachine } from '../../machines/emailgen/emailgen.machine.js';
import type { EmailgenOutput, MailTuning, PersonaTuning } from '../../machines/emailgen/emailgen.types.js';
import { mailMachine } from '../../machines/mail/mail.machine.js';
import { personaMachine } from '../../machines/persona/persona.machine.js';
import { feedRunning, type RunningFeed } from '../backfill-new-deckies.js';
import { localOnly } from '../worker/local-only.js';
import { startWorker } from '../worker/start-worker.js';
import { workerBasics } from '../worker/worker-basics.js';
import type { WorkerDeps, WorkerSettings } from '../worker/worker-deps.js';
import { createDeliverEmailLogic } from './deliver-email.actor.js';
import { createGenerateLogic } from './generate.actor.js';
import { createLoadScopeLogic } from './load-scope.actor.js';
import { createLookupThreadLogic } from './lookup-thread.actor.js';
import { createPruneEmailsLogic } from './prune-emails.actor.js';
import { createRecordEmailLogic } from './record-email.actor.js';

/** The worker name in heartbeat and control topics (SPEC §5). */
const EMAILGEN_WORKER = 'emailgen';

/** Scheduling and bounds of one emailgen run; `intervalMs` and `spoolRoot` are required. */
export interface EmailgenSettings extends WorkerSettings {
  /** mean tick interval (SPEC §6.7: 300 s) */
  intervalMs: number;
  /** stop after N ticks (`--ticks`), once their emails settled */
  ticks?: number;
  /** spool root inside mail containers (DECNET_SPOOL_ROOT) */
  spoolRoot: string;
  /**
   * how old a scope read a tick may reuse instead of reading the store (default 0: every tick
   * reads); only with discovery on, whose every sync reads the scope anew. Up to `resyncMs` is
   * safe, and `decnet-orchestrator emailgen run` sets it to that: at 10,000 personas a tick's read is most of
   * the tick's cost
   */
  scopeReuseMs?: number;
  /** emails kept per mail decky at each prune (SPEC §4.3: 5,000) */
  emailsKeepPerDecky?: number;
  /** bound on in-flight emails at a signal or control stop (default 10 s) */
  drainTimeoutMs?: number;
  /** bound on in-flight emails after `--ticks` (default: LLM timeout + exec timeout + 5 s) */
  settleTimeoutMs?: number;
  persona?: PersonaTuning;
  mail?: MailTuning;
  breaker?: BreakerOptions;
}

/** Everything the emailgen worker touches, injected once here at the root. */
export interface EmailgenDeps extends WorkerDeps<EmailgenSettings> {
  topologies: TopologyPersonaSource;
  emails: EmailStorePort;
  /** the host-wide persona pool for fleet and shard deckies */
  pool: { load(): Promise<Persona[]> };
  /** the LLM; wrapped in a CircuitBreaker unless it is one */
  llm: LLMBackend;
  /** past email for mail deckies seen for the first time, fed by every scope read (issue 7) */
  backfill?: (engines: { dockerFor: (decky: RunningDecky) => DockerPort; llm: LLMBackend }) => RunningFeed;
}

/** A running emailgen worker. */
export interface EmailgenHandle {
  actor: Actor<typeof emailgenMachine>;
  llm: CircuitBreaker;
  /** resolves after the supervisor stopped; rejects if it failed */
  done: Promise<EmailgenOutput>;
  /** graceful stop: no new emails, in-flight ones settle within the drain bound */
  stop(reason?: string): Promise<void>;
}

/** Starts the emailgen supervisor with every named actor and action provided from `deps`. */
export function startEmailgen(deps: EmailgenDeps): EmailgenHandle {
  const s = deps.settings;
  const { now, log, inventory, limits, discovery, logTo, publishHealth } = workerBasics(EMAILGEN_WORKER, deps);
  const llm = deps.llm instanceof CircuitBreaker ? deps.llm : new CircuitBreaker(deps.llm, s.breaker);
  const dockerFor = deps.dockerFor ?? localOnly(deps.docker);
  const backfill = deps.backfill?.({ dockerFor, llm });

  const machine = emailgenMachine.provide({
    actors: {
      persona: personaMachine.provide({
        actors: {
          lookupThread: createLookupThreadLogic({ emails: deps.emails, now }),
          generate: createGenerateLogic({ llm, now }),
        },
      }),
      mail: mailMachine.provide({
        actors: {
          deliver: createDeliverEmailLogic({ dockerFor, spoolRoot: s.spoolRoot, limits }),
          recordEmail: createRecordEmailLogic({ emails: deps.emails, bus: deps.bus, logger: deps.logger, now }),
        },
      }),
      loadScope: createLoadScopeLogic({
        inventory: feedRunning(inventory, backfill),
        pool: deps.pool,
        topologies: deps.topologies,
        logger: deps.logger,
        now,
      }),
      pruneEmails: createPruneEmailsLogic({ emails: deps.emails, keep: s.emailsKeepPerDecky ?? 5_000 }),
      discovery: discovery(),
      // the persona and mail actors run in groups, each in a system of its own: the inspector follows them
      ...(deps.inspect ? { group: createGroupHost({ inspect: deps.inspect }) } : {}),
    },
    actions: {
      log: logTo,
      publishHeartbeat: (_, p) => {
        const h = llm.health();
        publishHealth({
          llm: { backend: h.backend, model: h.model, breaker: h.state, consecutiveFailures: h.consecutiveFailures, openedAt: h.openedAt },
          ...p,
        });
      },
    },
    delays: s.heartbeatMs === undefined ? {} : { heartbeatInterval: s.heartbeatMs },
  });

  const run = startWorker({
    worker: EMAILGEN_WORKER,
    machine,
    input: {
      intervalMs: s.intervalMs,
      seed: deps.seed ?? randomInt(0, 2 ** 32),
      settleTimeoutMs: s.settleTimeoutMs ?? llm.timeoutMs + (s.execTimeoutMs ?? 8_000) + 5_000,
      ...(s.ticks === undefined ? {} : { ticks: s.ticks }),
      ...(s.pruneEveryTicks === undefined ? {} : { pruneEveryTicks: s.pruneEveryTicks }),
      ...(s.resyncMs === undefined ? {} : { resyncMs: s.resyncMs }),
      // every discovery sync reads the scope anew, so a tick may reuse a recent read
      ...(deps.discover === false || s.scopeReuseMs === undefined ? {} : { scopeReuseMs: s.scopeReuseMs }),
      ...(s.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: s.drainTimeoutMs }),
      ...(s.persona ? { persona: s.persona } : {}),
      ...(s.mail ? { mail: s.mail } : {}),
    },
    stopEvent: (reason) => ({ type: 'EMAILGEN.STOP' as const, reason }),
    bus: deps.bus,
    log,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.inspect ? { inspect: deps.inspect } : {}),
    onStop: () => backfill?.abandon(),
    // a failed supervisor waits for no backfill run
    finish: (failed) => backfill?.settle(failed ? 0 : undefined),
    started: { intervalMs: s.intervalMs, ticks: s.ticks ?? null, llm: llm.name, model: llm.model, spoolRoot: s.spoolRoot },
    stopped: () => ({ llm: llm.health().state }),
  });
  return { ...run, llm };
}
