import { describe, expect, it } from 'vitest';
import { LLMTimeout, type LLMBackend } from '../../../src/infra/llm/base.js';
import { CircuitBreaker } from '../../../src/infra/llm/breaker.js';
import { ScriptedLlm } from '../../../src/infra/llm/impl/fake.js';

const clock = () => {
  const c = { t: 0, now: () => c.t };
  return c;
};

describe('CircuitBreaker', () => {
  it('stays closed while failures are not consecutive', async () => {
    const inner = new ScriptedLlm([{ fail: 'a' }, { fail: 'b' }, { text: 'ok' }, { fail: 'c' }, { fail: 'd' }]);
    const breaker = new CircuitBreaker(inner);
    for (let i = 0; i < 5; i++) await breaker.generate('p');
    expect(breaker.state).toBe('closed');
    expect(breaker.health().consecutiveFailures).toBe(2);
  });

  it('opens after 3 consecutive failures and refuses without calling the backend', async () => {
    const c = clock();
    const inner = new ScriptedLlm([{ fail: 'a' }, { timeout: true }, { fail: 'c' }]);
    const breaker = new CircuitBreaker(inner, { now: c.now, cooldownMs: 1_000 });
    await breaker.generate('p');
    await expect(breaker.generate('p')).rejects.toBeInstanceOf(LLMTimeout);
    await breaker.generate('p');
    expect(breaker.state).toBe('open');
    // the script is empty: a call reaching it would throw
    await expect(breaker.generate('p')).resolves.toMatchObject({ success: false, extra: { error: 'circuit open' } });
    expect(inner.prompts).toHaveLength(3);
    expect(breaker.health().openedAt).toBe(new Date(0).toISOString());
  });

  it('half-opens after the cooldown; a failed trial re-opens it for a fresh cooldown', async () => {
    const c = clock();
    const inner = new ScriptedLlm([{ fail: '1' }, { fail: '2' }, { fail: '3' }, { fail: 'trial' }, { text: 'ok' }]);
    const breaker = new CircuitBreaker(inner, { now: c.now, cooldownMs: 1_000 });
    for (let i = 0; i < 3; i++) await breaker.generate('p');
    c.t = 999;
    expect(breaker.state).toBe('open');
    c.t = 1_000;
    expect(breaker.state).toBe('half-open');
    await breaker.generate('trial');
    expect(breaker.state).toBe('open');
    c.t = 1_999;
    expect(breaker.state).toBe('open');
    c.t = 2_000;
    await expect(breaker.generate('again')).resolves.toMatchObject({ success: true });
    expect(breaker.state).toBe('closed');
    expect(breaker.health().consecutiveFailures).toBe(0);
  });

  it('lets only one trial through while half-open', async () => {
    const c = clock();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const inner: LLMBackend = {
      name: 'gated',
      model: 'm',
      timeoutMs: 1,
      generate: async () => {
        calls += 1;
        if (calls <= 3) return { success: false, text: '', model: 'm', latencyMs: 0, extra: {} };
        await gate;
        return { success: true, text: 'ok', model: 'm', latencyMs: 0, extra: {} };
      },
    };
    const breaker = new CircuitBreaker(inner, { now: c.now, cooldownMs: 10 });
    for (let i = 0; i < 3; i++) await breaker.generate('p');
    c.t = 10;
    const trial = breaker.generate('trial');
    const second = await breaker.generate('second');
    expect(second.extra).toMatchObject({ error: 'circuit open', breaker: 'half-open' });
    release();
    expect((await trial).success).toBe(true);
    expect(calls).toBe(4);
  });

  it('passes name, model and timeout of the wrapped backend through', () => {
    const breaker = new CircuitBreaker(new ScriptedLlm([], 'llama3.1'));
    expect(breaker).toMatchObject({ name: 'fake', model: 'llama3.1', timeoutMs: 60_000, state: 'closed' });
  });
});
