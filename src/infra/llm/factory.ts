import { ConfigError } from '../config/config-error.js';
import { type AliasedName, type AliasedValue, readAliased } from '../config/env-aliases.js';
import type { LLMBackend } from './base.js';
import { FakeLlm, type FakeMode } from './impl/fake.js';
import { OllamaBackend } from './impl/ollama.js';

/** Accepted values of DECNET_REALISM_LLM; a new provider is one entry here and one branch below. */
const LLM_PROVIDERS = ['ollama', 'fake'] as const;
/** A provider name. */
type LlmProvider = (typeof LLM_PROVIDERS)[number];
/** Model used when DECNET_REALISM_MODEL is unset. */
const DEFAULT_MODEL = 'llama3.1';
/** Timeout in seconds when DECNET_REALISM_TIMEOUT is unset. */
const DEFAULT_TIMEOUT_S = 60;

const FAKE_MODES: readonly FakeMode[] = ['ok', 'fail', 'timeout'];

/** What a caller decides over the environment: `--model`, or the file enricher's own provider and timeout. */
interface LlmOverrides {
  /** a provider and the variable or flag it came from (named in the error when wrong) */
  provider?: AliasedValue;
  model?: string;
  /** seconds, as a variable holds them, and where they came from */
  timeout?: AliasedValue;
}

/**
 * Builds the LLM backend the environment asks for (SPEC §6.6): DECNET 1.2's DECNET_REALISM_LLM,
 * _MODEL, _TIMEOUT and _FAKE_OUTPUT, else the seed's DECNET_EMAILGEN_* of the same meaning. A wrong
 * value names the variable it came from and the accepted values.
 */
export function getLlm(env: NodeJS.ProcessEnv = process.env, overrides: LlmOverrides = {}): LLMBackend {
  const llm = setting(env, 'DECNET_REALISM_LLM', overrides.provider);
  const provider = (llm?.value.trim() || 'ollama').toLowerCase();
  const model = setting(
    env,
    'DECNET_REALISM_MODEL',
    overrides.model === undefined ? undefined : { value: overrides.model, from: '--model' },
  )?.value.trim();
  const timeoutMs = readTimeoutMs(setting(env, 'DECNET_REALISM_TIMEOUT', overrides.timeout));
  switch (provider as LlmProvider) {
    case 'ollama':
      return new OllamaBackend({
        model: model || DEFAULT_MODEL,
        timeoutMs,
        ...(env.OLLAMA_HOST?.trim() ? { host: env.OLLAMA_HOST.trim() } : {}),
      });
    case 'fake': {
      const output = readAliased(env, 'DECNET_REALISM_FAKE_OUTPUT')?.value;
      return new FakeLlm({
        model: model || 'fake',
        timeoutMs,
        mode: readFakeMode(env),
        ...(output ? { output: unescapeNewlines(output) } : {}),
      });
    }
    default:
      throw new ConfigError(
        `invalid ${llm?.from ?? 'DECNET_REALISM_LLM'}: ${JSON.stringify(llm?.value)}; accepted values: ${LLM_PROVIDERS.join(', ')}`,
      );
  }
}

// an override the caller made wins over both variable names
function setting(env: NodeJS.ProcessEnv, name: AliasedName, override: AliasedValue | undefined): AliasedValue | undefined {
  return override?.value.trim() ? override : readAliased(env, name);
}

function readTimeoutMs(raw: AliasedValue | undefined): number {
  if (!raw) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(raw.value.trim());
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(`invalid ${raw.from}: ${JSON.stringify(raw.value.trim())}; expected seconds > 0`);
  }
  return Math.round(seconds * 1000);
}

function readFakeMode(env: NodeJS.ProcessEnv): FakeMode {
  const raw = env.DECNET_EMAILGEN_FAKE_MODE?.trim().toLowerCase() || 'ok';
  if (!(FAKE_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(`invalid DECNET_EMAILGEN_FAKE_MODE: ${JSON.stringify(raw)}; accepted values: ${FAKE_MODES.join(', ')}`);
  }
  return raw as FakeMode;
}

// a one-line variable (systemd Environment=, a shell export) writes line breaks as `\n`
function unescapeNewlines(text: string): string {
  return text.includes('\n') ? text : text.replaceAll('\\n', '\n');
}
