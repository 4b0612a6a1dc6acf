import type { LLMBackend } from '../../infra/llm/base.js';
import { type FileBodyRequest, fileBodyPrompt, isLlmBodyClass, sanitizeLlmBody } from '../../machines/realism/file-prompt.js';
import { errText } from '../../domain/err-text.js';

/** The body to write and where it came from; `reason` says why the template was kept. */
interface EnrichedBody {
  body: string;
  source: 'llm' | 'template';
  reason?: string;
  latencyMs?: number;
}

/** Rewrites a new user file's template body with an LLM; always resolves, the template being the fallback. */
export type BodyEnricher = (req: FileBodyRequest) => Promise<EnrichedBody>;

/** Wall-clock bound on one enrichment: a file action never waits longer for the LLM. */
export const ENRICH_TIMEOUT_MS = 4000;

/**
 * An enricher over `llm`: notes, todos and drafts are asked of the model (one prompt each) and
 * its answer is sanitised; a slow (past `timeoutMs`), failing, throwing or junk answer keeps the
 * template. Other classes are never sent.
 */
export function createBodyEnricher(llm: LLMBackend, opts: { timeoutMs?: number } = {}): BodyEnricher {
  const timeoutMs = opts.timeoutMs ?? ENRICH_TIMEOUT_MS;
  return async (req) => {
    const template = (reason: string, latencyMs?: number): EnrichedBody => ({
      body: req.template,
      source: 'template',
      reason,
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
    if (!isLlmBodyClass(req.contentClass)) return template('class not enriched');
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref?.();
    });
    try {
      const call = llm.generate(fileBodyPrompt(req));
      // a late answer or rejection after the timeout must not surface as unhandled
      call.catch(() => {});
      const res = await Promise.race([call, expired]);
      if (res === 'timeout') return template('llm timed out', elapsed());
      if (!res.success) return template(`llm failed: ${String(res.extra.error ?? 'unknown')}`.slice(0, 200), elapsed());
      const body = sanitizeLlmBody(res.text, req);
      if (body === null) return template('llm answer rejected', elapsed());
      return { body, source: 'llm', latencyMs: elapsed() };
    } catch (err) {
      return template(`llm error: ${errText(err)}`.slice(0, 200), elapsed());
    } finally {
      clearTimeout(timer);
    }
  };
}
