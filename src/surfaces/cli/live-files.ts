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

/** What DECNET 1.2 reads as "no LLM" in DECNET_REALISM_LLM. */
const OFF_WORDS = new Set(['off', 'none', '0', 'false', 'disabled']);

/**
 * Which LLM writes new notes, todos and drafts: `--files-llm`, else `--llm`/`--no-llm` (DECNET's
 * flags: on with the provider the environment names, else ollama / off), else DECNET_FILES_LLM,
 * else DECNET_REALISM_LLM read as DECNET 1.2 reads it for file bodies (a provider turns them on,
 * unset or off/none/0/false/disabled leaves them off), else off. The seed's DECNET_EMAILGEN_LLM
 * only ever chose the email backend, so it does not turn file bodies on. A wrong value is a
 * CliError (exit 2) naming where it came from and the accepted values.
 */
export function parseFilesLlm(raw: string | undefined, env: NodeJS.ProcessEnv = process.env, llm?: boolean): FilesLlmChoice {
  if (raw !== undefined && llm !== undefined)
    throw new CliError('--files-llm and --llm/--no-llm both choose the file-body LLM: give one', 2);
  if (raw !== undefined) return choice(raw, '--files-llm');
  if (llm === false) return 'off';
  const files = env.DECNET_FILES_LLM?.trim() ? choice(env.DECNET_FILES_LLM, 'DECNET_FILES_LLM') : undefined;
  const realism = fromRealismLlm(env);
  if (llm === true) return [files, realism].find((c) => c !== undefined && c !== 'off') ?? 'ollama';
  return files ?? realism ?? 'off';
}

function fromRealismLlm(env: NodeJS.ProcessEnv): FilesLlmChoice | undefined {
  const value = env.DECNET_REALISM_LLM?.trim().toLowerCase();
  if (!value) return undefined;
  return OFF_WORDS.has(value) ? 'off' : choice(value, 'DECNET_REALISM_LLM');
}

function choice(raw: string, from: string): FilesLlmChoice {
  const value = raw.trim().toLowerCase() || 'off';
  if (!(FILES_LLM_CHOICES as readonly string[]).includes(value)) {
    throw new CliError(`${from} must be one of ${FILES_LLM_CHOICES.join(', ')} (got "${raw}")`, 2);
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
  const timeout = env.DECNET_FILES_TIMEOUT?.trim()
    ? { value: env.DECNET_FILES_TIMEOUT, from: 'DECNET_FILES_TIMEOUT' }
    : { value: String(ENRICH_TIMEOUT_MS / 1000), from: 'DECNET_FILES_TIMEOUT' };
  const model = env.DECNET_FILES_MODEL?.trim();
  const llm = getLlm(env, { provider: { value: choice, from: '--files-llm' }, timeout, ...(model ? { model } : {}) });
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
