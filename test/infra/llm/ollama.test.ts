import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LLMTimeout } from '../../../src/infra/llm/base.js';
import { CircuitBreaker } from '../../../src/infra/llm/breaker.js';
import { OllamaBackend } from '../../../src/infra/llm/impl/ollama.js';
import { type OllamaTestServer, startOllamaServer } from '../../support/ollama-server.js';

let server: OllamaTestServer;

beforeEach(async () => {
  server = await startOllamaServer();
});
afterEach(async () => {
  await server.close();
});

const backend = (timeoutMs = 2_000, model = 'llama3.1') => new OllamaBackend({ host: server.url, model, timeoutMs });

describe('ollama test server', () => {
  it('answers the ollama client the way Ollama does', async () => {
    const client = new Ollama({ host: server.url });
    expect((await client.list()).models[0]?.name).toBe('llama3.1:latest');
    server.enqueue({ kind: 'answer', text: 'hello' });
    const chat = await client.chat({ model: 'llama3.1', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(chat.message.content).toBe('hello');
    server.enqueue({ kind: 'answer', text: 'streamed' });
    const parts: string[] = [];
    for await (const part of await client.generate({ model: 'llama3.1', prompt: 'x', stream: true })) parts.push(part.response);
    expect(parts.join('')).toBe('streamed');
    const version = await fetch(`${server.url}/api/version`).then((r) => r.json());
    expect(version).toHaveProperty('version');
  });
});

describe('OllamaBackend', () => {
  it('returns the model text from a non-streaming /api/generate call with the prompt and model', async () => {
    server.enqueue({ kind: 'answer', text: 'Subject: Budget\n\nHi Ana,' });
    const result = await backend().generate('write an email');
    expect(result).toMatchObject({ success: true, text: 'Subject: Budget\n\nHi Ana,', model: 'llama3.1' });
    expect(result.extra).toMatchObject({ doneReason: 'stop', evalCount: 90, totalDurationMs: 1234 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/generate' });
    expect(server.requests[0]?.body).toMatchObject({ model: 'llama3.1', prompt: 'write an email', stream: false });
  });

  it('reports an HTTP 500 as a failed result with the status and the server message', async () => {
    server.enqueue({ kind: 'error', status: 500, message: 'llama runner process has terminated' });
    const result = await backend().generate('p');
    expect(result.success).toBe(false);
    expect(result.text).toBe('');
    expect(result.extra).toMatchObject({ status: 500, error: 'HTTP 500: llama runner process has terminated' });
  });

  it('reports a non-JSON error page as a failed result without printing to stdout', async () => {
    const original = console.log;
    const printed: unknown[] = [];
    console.log = (...args: unknown[]) => printed.push(args);
    try {
      server.enqueue({ kind: 'error', status: 502, message: 'Bad Gateway', json: false });
      const result = await backend().generate('p');
      expect(result.success).toBe(false);
      expect(result.extra).toMatchObject({ status: 502 });
      expect(String(result.extra.error)).toContain('Bad Gateway');
    } finally {
      console.log = original;
    }
    expect(printed).toEqual([]);
  });

  it('reports an unknown model as a failed 404 result', async () => {
    const result = await backend(2_000, 'mistral').generate('p');
    expect(result.extra).toMatchObject({ status: 404 });
    expect(String(result.extra.error)).toContain('not found');
  });

  it('reports an empty answer as a failed result, not a success', async () => {
    server.enqueue({ kind: 'answer', text: '  \n' });
    const result = await backend().generate('p');
    expect(result).toMatchObject({ success: false, extra: { error: 'empty output' } });
  });

  it('reports a refused connection as a failed result', async () => {
    const url = server.url;
    await server.close();
    const result = await new OllamaBackend({ host: url, model: 'llama3.1', timeoutMs: 2_000 }).generate('p');
    expect(result.success).toBe(false);
    expect(String(result.extra.error)).toMatch(/ECONNREFUSED|fetch failed/);
    server = await startOllamaServer();
  });

  it('throws LLMTimeout within the timeout when the server never answers, and closes the socket', async () => {
    server.enqueue({ kind: 'hang' });
    const started = performance.now();
    const err = await backend(300)
      .generate('p')
      .catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(err).toBeInstanceOf(LLMTimeout);
    expect((err as LLMTimeout).timeoutMs).toBe(300);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_000);
    // the server sees the client hang up: the request is really cancelled, not just abandoned
    const rec = server.requests[0]!;
    await Promise.race([rec.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket still open')), 1_000))]);
    expect(rec.aborted).toBe(true);
  });

  it('throws LLMTimeout when the answer comes after the timeout', async () => {
    server.enqueue({ kind: 'slow', delayMs: 800, text: 'late' });
    await expect(backend(200).generate('p')).rejects.toBeInstanceOf(LLMTimeout);
  });

  it('accepts a slow answer that arrives inside the timeout', async () => {
    server.enqueue({ kind: 'slow', delayMs: 100, text: 'Subject: ok\n\nfine' });
    await expect(backend(2_000).generate('p')).resolves.toMatchObject({ success: true, text: 'Subject: ok\n\nfine' });
  });
});

describe('CircuitBreaker around OllamaBackend', () => {
  it('opens after 3 consecutive failures, stops calling the server, and half-opens after the cooldown', async () => {
    let now = 1_000_000;
    const breaker = new CircuitBreaker(backend(200), { cooldownMs: 30_000, now: () => now });
    server.setDefault({ kind: 'error', status: 500, message: 'boom' });
    for (let i = 0; i < 3; i++) expect((await breaker.generate('p')).success).toBe(false);
    expect(breaker.state).toBe('open');
    expect(server.requests).toHaveLength(3);

    const refused = await breaker.generate('p');
    expect(refused).toMatchObject({ success: false, extra: { error: 'circuit open', breaker: 'open' } });
    expect(server.requests).toHaveLength(3);

    now += 30_000;
    expect(breaker.state).toBe('half-open');
    server.setDefault({ kind: 'answer', text: 'Subject: back\n\nup again' });
    expect((await breaker.generate('p')).success).toBe(true);
    expect(server.requests).toHaveLength(4);
    expect(breaker.state).toBe('closed');
  });

  it('counts timeouts of a hanging server as failures and opens', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(backend(100), { now: () => now });
    server.setDefault({ kind: 'hang' });
    for (let i = 0; i < 3; i++) await expect(breaker.generate('p')).rejects.toBeInstanceOf(LLMTimeout);
    expect(breaker.health()).toMatchObject({ backend: 'ollama', model: 'llama3.1', state: 'open', consecutiveFailures: 3 });
    now += 60_000;
    expect(breaker.state).toBe('half-open');
  });
});
