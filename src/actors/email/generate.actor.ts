import { fromPromise } from 'xstate';
import type { LLMBackend } from '../../infra/llm/base.js';
import type { GenerateInput, GenerationResult } from '../../machines/persona/persona.types.js';

/** What the generate actor binds: the LLM (wrapped in the circuit breaker) and a clock. */
interface GenerateDeps {
  llm: LLMBackend;
  now?: () => Date;
}

/**
 * `generate` for the persona machine (SPEC §6.6): one prompt, one LLM call. Failures, refusals
 * by an open breaker and timeouts come back as results, so the machine records them (stage llm).
 */
export function createGenerateLogic(deps: GenerateDeps) {
  const now = deps.now ?? (() => new Date());
  return fromPromise<GenerationResult, GenerateInput>(async ({ input }) => {
    const started = performance.now();
    try {
      const r = await deps.llm.generate(input.prompt);
      const out: GenerationResult = { success: r.success, text: r.text, model: r.model, latencyMs: r.latencyMs, at: now().toISOString() };
      if (!r.success) out.error = typeof r.extra.error === 'string' ? r.extra.error : 'generation failed';
      return out;
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      return {
        success: false,
        text: '',
        model: deps.llm.model,
        latencyMs: Math.round(performance.now() - started),
        error: typeof e?.message === 'string' ? e.message : String(err),
        timedOut: e?.code === 'LLM_TIMEOUT',
        at: now().toISOString(),
      };
    }
  });
}
