import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createGenerateLogic } from '../../../src/actors/email/generate.actor.js';
import type { LLMBackend } from '../../../src/infra/llm/base.js';
import { CircuitBreaker } from '../../../src/infra/llm/breaker.js';
import { FakeLlm, ScriptedLlm } from '../../../src/infra/llm/impl/fake.js';

const NOW = new Date('2026-03-03T10:00:00.000Z');
const generate = (llm: LLMBackend, prompt = 'write') =>
  toPromise(createActor(createGenerateLogic({ llm, now: () => NOW }), { input: { prompt } }).start());

describe('generate actor', () => {
  it('hands the prompt to the LLM and returns its text, model and the finish time', async () => {
    const llm = new FakeLlm({ output: 'Subject: Hi\n\nHello', model: 'llama3.1' });
    const out = await generate(llm, 'the prompt');
    expect(llm.prompts).toEqual(['the prompt']);
    expect(out).toEqual({ success: true, text: 'Subject: Hi\n\nHello', model: 'llama3.1', latencyMs: 0, at: NOW.toISOString() });
  });

  it('returns a failed generation with its reason instead of rejecting', async () => {
    const out = await generate(new FakeLlm({ mode: 'fail', failure: 'HTTP 500: out of memory' }));
    expect(out).toMatchObject({ success: false, error: 'HTTP 500: out of memory' });
    expect(out.timedOut).toBeUndefined();
  });

  it('tells a timeout apart from a failure', async () => {
    const out = await generate(new FakeLlm({ mode: 'timeout', timeoutMs: 1234 }));
    expect(out).toMatchObject({ success: false, timedOut: true, error: 'LLM fake did not answer within 1234 ms' });
  });

  it('turns a backend that throws anything else into a failed generation', async () => {
    const out = await generate(new ScriptedLlm([]));
    expect(out).toMatchObject({ success: false, timedOut: false, model: 'scripted' });
    expect(out.error).toMatch(/script exhausted/);
  });

  it('reports a refusal by an open breaker as a failure, without reaching the LLM', async () => {
    const inner = new FakeLlm({ mode: 'fail' });
    const breaker = new CircuitBreaker(inner, { threshold: 1, cooldownMs: 60_000 });
    await generate(breaker);
    const out = await generate(breaker);
    expect(inner.prompts).toHaveLength(1);
    expect(out).toMatchObject({ success: false, error: 'circuit open' });
  });
});
