import { ConfigError } from '../config/config.js';
import type { LLMBackend } from './base.js';
import { FakeLlm, type FakeMode } from './impl/fake.js';
import { OllamaBackend } from './impl/ollama.js';

/** Accepted values of DECNET_EMAILGEN_LLM; a new provider is one entry here and one branch below. */
const LLM_PROVIDERS = ['ollama', 'fake'] as const;
/** A provider name. */
type LlmProvider = (typeof LLM_PROVIDERS)[number];
/** Model used when DECNET_EMAILGEN_MODEL is unset. */
const DEFAULT_MODEL = 'llama3.1';
/** Timeout in seconds when DECNET_EMAILGEN_TIMEOUT is unset. */
const DEFAULT_TIMEOUT_S = 60;

const FAKE_MODES: readonly FakeMode[] = ['ok', 'fail', 'timeout'];

/** Overrides from the command line, e.g. `--model`. */
interface LlmOverrides {
  model?: string;
}

/** Builds the LLM backend the environment asks for (SPEC §6.6); a wrong value names the accepted ones. */
export function getLlm(env: NodeJS.ProcessEnv = process.env, overrides: LlmOverrides = {}): LLMBackend {
  const provider = (env.DECNET_EMAILGEN_LLM?.trim() || 'ollama').toLowerCase();
  const model = overrides.model?.trim() || env.DECNET_EMAILGEN_MODEL?.trim() || DEFAULT_MODEL;
  const timeoutMs = readTimeoutMs(env);
  switch (provider as LlmProvider) {
    case 'ollama':
      return new OllamaBackend({ model, timeoutMs, ...(env.OLLAMA_HOST?.trim() ? { host: env.OLLAMA_HOST.trim() } : {}) });
    case 'fake':
      return new FakeLlm({
        model: overrides.model?.trim() || env.DECNET_EMAILGEN_MODEL?.trim() || 'fake',
        timeoutMs,
        mode: readFakeMode(env),
        ...(env.DECNET_EMAILGEN_FAKE_OUTPUT ? { output: unescapeNewlines(env.DECNET_EMAILGEN_FAKE_OUTPUT) } : {}),
      });
    default:
      throw new ConfigError(
        `invalid DECNET_EMAILGEN_LLM: ${JSON.stringify(env.DECNET_EMAILGEN_LLM)}; accepted values: ${LLM_PROVIDERS.join(', ')}`,
      );
  }
}

function readTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.DECNET_EMAILGEN_TIMEOUT?.trim();
  if (!raw) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(`invalid DECNET_EMAILGEN_TIMEOUT: ${JSON.stringify(raw)}; expected seconds > 0`);
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
