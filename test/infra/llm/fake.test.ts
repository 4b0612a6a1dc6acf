import { describe, expect, it } from 'vitest';
import { LLMTimeout } from '../../../src/infra/llm/base.js';
import { FakeLlm, ScriptedLlm } from '../../../src/infra/llm/impl/fake.js';

describe('FakeLlm', () => {
  it('answers with the output given to its constructor and records the prompt', async () => {
    const llm = new FakeLlm({ output: 'Subject: a\n\nb', model: 'm' });
    await expect(llm.generate('hello')).resolves.toMatchObject({ success: true, text: 'Subject: a\n\nb', model: 'm' });
    expect(llm.prompts).toEqual(['hello']);
  });

  it('simulates a failure as a failed result with the reason', async () => {
    const result = await new FakeLlm({ mode: 'fail', failure: 'model crashed' }).generate('p');
    expect(result).toMatchObject({ success: false, text: '', extra: { error: 'model crashed' } });
  });

  it('simulates a timeout by throwing LLMTimeout', async () => {
    await expect(new FakeLlm({ mode: 'timeout', timeoutMs: 5 }).generate('p')).rejects.toBeInstanceOf(LLMTimeout);
  });
});

describe('ScriptedLlm', () => {
  it('plays its steps in order and records every prompt', async () => {
    const llm = new ScriptedLlm([{ text: 'one' }, { fail: 'nope' }, { timeout: true }]);
    expect((await llm.generate('p1')).text).toBe('one');
    expect((await llm.generate('p2')).extra.error).toBe('nope');
    await expect(llm.generate('p3')).rejects.toBeInstanceOf(LLMTimeout);
    expect(llm.prompts).toEqual(['p1', 'p2', 'p3']);
    expect(llm.remaining).toBe(0);
  });

  it('fails loudly, naming the unexpected prompt, when the script runs out', async () => {
    const llm = new ScriptedLlm([{ text: 'only' }]);
    await llm.generate('first');
    await expect(llm.generate('second prompt')).rejects.toThrow(/script exhausted after 1 call\(s\); unexpected prompt:\nsecond prompt/);
  });
});
