import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/infra/config/config-error.js';
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

  it('reads DECNET 1.2’s DECNET_REALISM_* names, which win over the seed’s when both are set', async () => {
    const llm = getLlm({
      DECNET_REALISM_LLM: 'fake',
      DECNET_EMAILGEN_LLM: 'ollama',
      DECNET_REALISM_MODEL: 'm2',
      DECNET_EMAILGEN_MODEL: 'm1',
      DECNET_REALISM_TIMEOUT: '7',
    });
    expect(llm).toBeInstanceOf(FakeLlm);
    expect(llm).toMatchObject({ model: 'm2', timeoutMs: 7_000 });
    const out = getLlm({ DECNET_REALISM_LLM: 'fake', DECNET_REALISM_FAKE_OUTPUT: 'new', DECNET_EMAILGEN_FAKE_OUTPUT: 'old' });
    expect((await out.generate('p')).text).toBe('new');
  });

  it('names the variable the bad value came from, new name or alias', () => {
    expect(() => getLlm({ DECNET_REALISM_LLM: 'openai' })).toThrow('invalid DECNET_REALISM_LLM: "openai"; accepted values: ollama, fake');
    expect(() => getLlm({ DECNET_REALISM_TIMEOUT: 'soon', DECNET_EMAILGEN_TIMEOUT: '5' })).toThrow(/^invalid DECNET_REALISM_TIMEOUT/);
  });

  it('lets a caller’s provider and timeout win over both names', () => {
    const llm = getLlm(
      { DECNET_REALISM_LLM: 'ollama', DECNET_REALISM_TIMEOUT: '60' },
      { provider: { value: 'fake', from: '--files-llm' }, timeout: { value: '4', from: 'DECNET_FILES_TIMEOUT' } },
    );
    expect(llm).toMatchObject({ name: 'fake', timeoutMs: 4_000 });
    expect(() => getLlm({}, { timeout: { value: 'x', from: 'DECNET_FILES_TIMEOUT' } })).toThrow(/^invalid DECNET_FILES_TIMEOUT/);
  });

  it.each(['0', '-5', 'soon', 'Infinity'])('refuses DECNET_EMAILGEN_TIMEOUT=%s naming the variable', (value) => {
    expect(() => getLlm({ DECNET_EMAILGEN_TIMEOUT: value })).toThrow(/DECNET_EMAILGEN_TIMEOUT/);
  });
});
