import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/infra/config/config.js';
import { getLlm } from '../../../src/infra/llm/factory.js';
import { BUILT_IN_EMAIL, FakeLlm } from '../../../src/infra/llm/impl/fake.js';
import { OllamaBackend } from '../../../src/infra/llm/impl/ollama.js';
import { LLMTimeout } from '../../../src/infra/llm/base.js';

describe('getLlm', () => {
  it('builds the ollama backend by default, with llama3.1 and a 60 s timeout', () => {
    const llm = getLlm({});
    expect(llm).toBeInstanceOf(OllamaBackend);
    expect(llm).toMatchObject({ name: 'ollama', model: 'llama3.1', timeoutMs: 60_000 });
  });

  it('reads the model and the timeout in seconds from the environment', () => {
    const llm = getLlm({ DECNET_EMAILGEN_LLM: 'ollama', DECNET_EMAILGEN_MODEL: 'qwen2.5:7b', DECNET_EMAILGEN_TIMEOUT: '2.5' });
    expect(llm).toMatchObject({ model: 'qwen2.5:7b', timeoutMs: 2_500 });
  });

  it('lets --model override DECNET_EMAILGEN_MODEL', () => {
    expect(getLlm({ DECNET_EMAILGEN_MODEL: 'a' }, { model: 'b' }).model).toBe('b');
  });

  it('builds the fake when asked, answering with the built-in email', async () => {
    const llm = getLlm({ DECNET_EMAILGEN_LLM: 'fake' });
    expect(llm).toBeInstanceOf(FakeLlm);
    expect((await llm.generate('p')).text).toBe(BUILT_IN_EMAIL);
  });

  it('gives the fake DECNET_EMAILGEN_FAKE_OUTPUT, turning escaped \\n into line breaks', async () => {
    const llm = getLlm({ DECNET_EMAILGEN_LLM: 'FAKE', DECNET_EMAILGEN_FAKE_OUTPUT: 'Subject: x\\n\\nbody' });
    expect((await llm.generate('p')).text).toBe('Subject: x\n\nbody');
  });

  it('lets the fake simulate failure and timeout through DECNET_EMAILGEN_FAKE_MODE', async () => {
    expect((await getLlm({ DECNET_EMAILGEN_LLM: 'fake', DECNET_EMAILGEN_FAKE_MODE: 'fail' }).generate('p')).success).toBe(false);
    await expect(getLlm({ DECNET_EMAILGEN_LLM: 'fake', DECNET_EMAILGEN_FAKE_MODE: 'timeout' }).generate('p')).rejects.toBeInstanceOf(
      LLMTimeout,
    );
    expect(() => getLlm({ DECNET_EMAILGEN_LLM: 'fake', DECNET_EMAILGEN_FAKE_MODE: 'sometimes' })).toThrow(/ok, fail, timeout/);
  });

  it('refuses an unknown provider with an error listing the accepted values', () => {
    expect(() => getLlm({ DECNET_EMAILGEN_LLM: 'openai' })).toThrow(ConfigError);
    expect(() => getLlm({ DECNET_EMAILGEN_LLM: 'openai' })).toThrow('invalid DECNET_EMAILGEN_LLM: "openai"; accepted values: ollama, fake');
  });

  it.each(['0', '-5', 'soon', 'Infinity'])('refuses DECNET_EMAILGEN_TIMEOUT=%s naming the variable', (value) => {
    expect(() => getLlm({ DECNET_EMAILGEN_TIMEOUT: value })).toThrow(/DECNET_EMAILGEN_TIMEOUT/);
  });
});
