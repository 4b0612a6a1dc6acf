import { describe, expect, it } from 'vitest';
import { createBodyEnricher } from '../../../src/actors/files/enrich-body.js';
import type { LLMBackend, LLMResult } from '../../../src/infra/llm/base.js';
import { FakeLlm, ScriptedLlm } from '../../../src/infra/llm/impl/fake.js';

const req = (contentClass: 'notes' | 'todo' | 'draft' | 'daemon-log' | 'script' = 'notes') => ({
  contentClass,
  path: '/home/akeller/notes.txt',
  template: 'check the backup job\n',
  author: { name: 'Ann Keller' },
});

// answers only after `ms`: a slow server
class SlowLlm implements LLMBackend {
  readonly name = 'fake';
  readonly model = 'slow';
  readonly timeoutMs = 60_000;
  calls = 0;
  constructor(private readonly ms: number) {}
  async generate(): Promise<LLMResult> {
    this.calls += 1;
    await new Promise((r) => setTimeout(r, this.ms));
    return { success: true, text: 'a late but fine note about the patch window\n', model: this.model, latencyMs: this.ms, extra: {} };
  }
}

describe('createBodyEnricher', () => {
  it('uses a fast answer, sanitised, for a note', async () => {
    const llm = new FakeLlm({
      output: 'Here is the file:\n```\nask Bob about the SAN quote \u2014 due Friday\nmove the standup to 9:30\n```',
    });
    const out = await createBodyEnricher(llm, { timeoutMs: 1000 })(req());
    expect(out).toMatchObject({ source: 'llm', body: 'ask Bob about the SAN quote, due Friday\nmove the standup to 9:30\n' });
    expect(llm.prompts).toHaveLength(1);
    expect(llm.prompts[0]).toContain('check the backup job');
  });

  it('keeps the template when the LLM is slower than the bound, without waiting for it', async () => {
    const llm = new SlowLlm(2000);
    const started = Date.now();
    const out = await createBodyEnricher(llm, { timeoutMs: 50 })(req('todo'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out).toMatchObject({ source: 'template', body: 'check the backup job\n', reason: 'llm timed out' });
  });

  it.each([
    ['fails', new FakeLlm({ mode: 'fail', failure: 'connection refused' }), /llm failed: connection refused/],
    ['times out on its own', new FakeLlm({ mode: 'timeout' }), /llm error: .*did not answer/],
    ['answers junk', new ScriptedLlm([{ text: "I'm sorry, as an AI I cannot do that." }]), /rejected/],
    ['names the product', new ScriptedLlm([{ text: 'restart the decnet sensor after the patch window\n' }]), /rejected/],
    ['throws', new ScriptedLlm([]), /llm error: .*script exhausted/],
  ])('keeps the template when the LLM %s', async (_why, llm, reason) => {
    const out = await createBodyEnricher(llm, { timeoutMs: 1000 })(req('draft'));
    expect(out.source).toBe('template');
    expect(out.body).toBe('check the backup job\n');
    expect(out.reason).toMatch(reason);
  });

  it.each(['daemon-log', 'script'] as const)('never sends a %s to the LLM', async (cls) => {
    const llm = new ScriptedLlm([]);
    const out = await createBodyEnricher(llm)(req(cls));
    expect(out).toMatchObject({ source: 'template', body: 'check the backup job\n' });
    expect(llm.prompts).toEqual([]);
  });
});
