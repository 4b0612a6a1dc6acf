/** What one generation produced (SPEC §6.6); `success: false` carries the reason in `extra.error`. */
export interface LLMResult {
  success: boolean;
  text: string;
  model: string;
  latencyMs: number;
  extra: Record<string, unknown>;
}

/** A text generator the email worker asks for one email at a time. */
export interface LLMBackend {
  /** provider name for logs and the heartbeat: `ollama`, `fake` */
  readonly name: string;
  readonly model: string;
  /** wall-clock bound of one generate call */
  readonly timeoutMs: number;
  /** resolves with a result for expected failures (HTTP errors, empty output); rejects with LLMTimeout on expiry */
  generate(prompt: string): Promise<LLMResult>;
}

/** Thrown when a generation outlives its wall-clock bound, so a timeout is told apart from empty output. */
export class LLMTimeout extends Error {
  readonly code = 'LLM_TIMEOUT';
  readonly retryable = true;
  constructor(
    readonly model: string,
    readonly timeoutMs: number,
  ) {
    super(`LLM ${model} did not answer within ${timeoutMs} ms`);
    this.name = 'LLMTimeout';
  }
}

/** A failed result with its reason, as every backend reports expected failures. */
export function failedResult(model: string, latencyMs: number, error: string, extra: Record<string, unknown> = {}): LLMResult {
  return { success: false, text: '', model, latencyMs, extra: { ...extra, error } };
}
