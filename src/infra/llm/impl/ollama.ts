import { Ollama } from 'ollama';
import { type LLMBackend, type LLMResult, LLMTimeout, failedResult } from '../base.js';

/** Largest Ollama response read; a runaway server is cut off instead of filling memory. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Settings of the Ollama backend; `host` is OLLAMA_HOST (the client's default when unset). */
interface OllamaBackendOptions {
  host?: string;
  model: string;
  timeoutMs: number;
  /** sampling options passed through to Ollama, e.g. temperature */
  options?: { temperature?: number; num_predict?: number };
  /** fetch used by the client; global fetch by default */
  fetch?: typeof fetch;
}

/** Talks to an Ollama server through the `ollama` client, one non-streaming `/api/generate` per email. */
export class OllamaBackend implements LLMBackend {
  readonly name = 'ollama';
  readonly model: string;
  readonly timeoutMs: number;

  constructor(private readonly opts: OllamaBackendOptions) {
    this.model = opts.model;
    this.timeoutMs = opts.timeoutMs;
  }

  /** One generation; the HTTP request is aborted (its socket closed) when the timeout fires. */
  async generate(prompt: string): Promise<LLMResult> {
    const started = performance.now();
    const controller = new AbortController();
    const baseFetch = this.opts.fetch ?? fetch;
    // the client passes no signal for non-streaming calls and its abort() only reaches streams,
    // so the signal is added here: aborting it closes the connection, not just our wait
    const client = new Ollama({
      ...(this.opts.host ? { host: this.opts.host } : {}),
      fetch: async (input, init) => guard(await baseFetch(input, { ...init, signal: controller.signal })),
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new LLMTimeout(this.model, this.timeoutMs);
        controller.abort(err);
        reject(err);
      }, this.timeoutMs);
    });
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const call = client.generate({
        model: this.model,
        prompt,
        stream: false,
        ...(this.opts.options ? { options: this.opts.options } : {}),
      });
      // the race bounds the wait even if a body read ignored the abort
      const res = await Promise.race([call, expired]);
      const text = typeof res.response === 'string' ? res.response : '';
      const extra = {
        host: this.opts.host ?? null,
        doneReason: res.done_reason ?? null,
        evalCount: res.eval_count ?? null,
        totalDurationMs: typeof res.total_duration === 'number' ? Math.round(res.total_duration / 1e6) : null,
      };
      if (text.trim() === '') return failedResult(this.model, elapsed(), 'empty output', extra);
      return { success: true, text, model: res.model || this.model, latencyMs: elapsed(), extra };
    } catch (err) {
      if (err instanceof LLMTimeout || controller.signal.aborted) throw new LLMTimeout(this.model, this.timeoutMs);
      const e = err as { status_code?: number; message?: string; cause?: { code?: string } };
      return failedResult(this.model, elapsed(), describeError(e), {
        host: this.opts.host ?? null,
        ...(typeof e.status_code === 'number' ? { status: e.status_code } : {}),
      });
    } finally {
      clearTimeout(timer);
      // a late rejection of `expired` after success must not surface as unhandled
      expired.catch(() => {});
    }
  }
}

function describeError(e: { status_code?: number; message?: string; cause?: { code?: string } }): string {
  if (typeof e.status_code === 'number') return `HTTP ${e.status_code}: ${e.message ?? 'error'}`;
  const code = e.cause?.code;
  return code ? `${e.message ?? 'request failed'} (${code})` : (e.message ?? 'request failed');
}

// errors the client would print with console.log when not JSON (proxies, HTML pages) are
// turned into Ollama's `{error}` shape; bodies are capped at MAX_RESPONSE_BYTES
async function guard(res: Response): Promise<Response> {
  const json = res.headers.get('content-type')?.includes('application/json');
  if (!res.ok && !json) {
    const text = (await res.text().catch(() => '')).slice(0, 200).trim();
    return new Response(JSON.stringify({ error: text || res.statusText || 'error' }), {
      status: res.status,
      statusText: res.statusText,
      headers: { 'content-type': 'application/json' },
    });
  }
  if (!res.body) return res;
  let seen = 0;
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.byteLength;
        if (seen > MAX_RESPONSE_BYTES) ctl.error(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
        else ctl.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
