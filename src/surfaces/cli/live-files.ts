import { type BodyEnricher, createBodyEnricher, ENRICH_TIMEOUT_MS } from '../../actors/files/enrich-body.js';
import type { LiveFilesDeps } from '../../actors/files/live-write.js';
import { CircuitBreaker } from '../../infra/llm/breaker.js';
import { getLlm } from '../../infra/llm/factory.js';
import type { Logger } from '../../infra/log/logger.port.js';
import { PersonaPool } from '../../infra/personas/pool.js';
import { personaResolver } from '../../actors/realism/personas-in-scope.js';
import type { Store } from '../../infra/store/store.port.js';
import { hostTimeZone } from '../../machines/email/active-hours.js';
import { CliError } from './cli-error.js';

/** Values of `--files-llm` / DECNET_FILES_LLM: off (templates only, the default) or an LLM provider. */
export const FILES_LLM_CHOICES = ['off', 'ollama', 'fake'] as const;
/** One of FILES_LLM_CHOICES. */
export type FilesLlmChoice = (typeof FILES_LLM_CHOICES)[number];

/** `--files-llm`, else DECNET_FILES_LLM, else `off`; a wrong value is a CliError (exit 2) naming the accepted ones. */
export function parseFilesLlm(raw: string | undefined, env: NodeJS.ProcessEnv = process.env): FilesLlmChoice {
  const value = (raw ?? env.DECNET_FILES_LLM ?? 'off').trim().toLowerCase() || 'off';
  if (!(FILES_LLM_CHOICES as readonly string[]).includes(value)) {
    throw new CliError(`--files-llm must be one of ${FILES_LLM_CHOICES.join(', ')} (got "${raw ?? env.DECNET_FILES_LLM}")`, 2);
  }
  return value as FilesLlmChoice;
}

/**
 * The LLM enricher of new user files, or undefined for `off`. The backend comes from the LLM
 * factory with a short timeout (DECNET_FILES_TIMEOUT seconds, default 4) and model
 * DECNET_FILES_MODEL (else the email model), behind a circuit breaker so a dead server costs nothing.
 */
export function createFilesEnricher(choice: FilesLlmChoice, env: NodeJS.ProcessEnv = process.env): BodyEnricher | undefined {
  if (choice === 'off') return undefined;
  const seconds = env.DECNET_FILES_TIMEOUT?.trim() || String(ENRICH_TIMEOUT_MS / 1000);
  const model = env.DECNET_FILES_MODEL?.trim() || env.DECNET_EMAILGEN_MODEL;
  const llm = getLlm({ ...env, DECNET_EMAILGEN_LLM: choice, DECNET_EMAILGEN_TIMEOUT: seconds, ...(model ? { DECNET_EMAILGEN_MODEL: model } : {}) });
  return createBodyEnricher(new CircuitBreaker(llm), { timeoutMs: llm.timeoutMs });
}

/** What the orchestrator needs to write files people would write: the store, personas, zone, the enricher. */
export function liveFilesFor(
  store: Pick<Store, 'files' | 'inventory'>,
  logger: Logger,
  choice: FilesLlmChoice,
  env: NodeJS.ProcessEnv = process.env,
): { files: LiveFilesDeps['files']; liveFiles: Omit<LiveFilesDeps, 'files'> } {
  const pool = new PersonaPool({ logger });
  const enrich = createFilesEnricher(choice, env);
  return {
    files: store.files,
    liveFiles: {
      personasFor: personaResolver({ pool, topologies: store.inventory, logger }),
      hostZone: hostTimeZone(),
      ...(enrich ? { enrich } : {}),
    },
  };
}
