import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { createFilesEnricher, liveFilesFor, parseFilesLlm } from '../../../src/surfaces/cli/live-files.js';
import { parseOrchestrateOptions } from '../../../src/surfaces/cli/orchestrate.command.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { Store } from '../../../src/infra/store/store.port.js';

const req = {
  contentClass: 'notes' as const,
  path: '/home/akeller/notes.txt',
  template: 'check the backup job\n',
  author: { name: 'Ann Keller' },
};

describe('--files-llm', () => {
  it('is off unless the flag or DECNET_FILES_LLM asks, the flag winning', () => {
    expect(parseFilesLlm(undefined, {})).toBe('off');
    expect(parseFilesLlm(undefined, { DECNET_FILES_LLM: 'Ollama' })).toBe('ollama');
    expect(parseFilesLlm('fake', { DECNET_FILES_LLM: 'ollama' })).toBe('fake');
    expect(parseOrchestrateOptions({ interval: '1', filesLlm: 'off' })).toEqual({ intervalMs: 1000, filesLlm: 'off' });
  });

  it('follows DECNET_REALISM_LLM as DECNET 1.2 does for file bodies: a provider turns them on, off words and unset leave them off', () => {
    expect(parseFilesLlm(undefined, { DECNET_REALISM_LLM: 'ollama' })).toBe('ollama');
    expect(parseFilesLlm(undefined, { DECNET_REALISM_LLM: 'Fake' })).toBe('fake');
    for (const off of ['off', 'none', '0', 'false', 'Disabled', ''])
      expect(parseFilesLlm(undefined, { DECNET_REALISM_LLM: off }), off).toBe('off');
    // DECNET_FILES_LLM is ours and more specific; the seed's email variable never chose file bodies
    expect(parseFilesLlm(undefined, { DECNET_REALISM_LLM: 'ollama', DECNET_FILES_LLM: 'off' })).toBe('off');
    expect(parseFilesLlm(undefined, { DECNET_EMAILGEN_LLM: 'ollama' })).toBe('off');
    expect(() => parseFilesLlm(undefined, { DECNET_REALISM_LLM: 'openai' })).toThrow(
      /^DECNET_REALISM_LLM must be one of off, ollama, fake/,
    );
  });

  it('maps DECNET’s --llm/--no-llm onto --files-llm: on with the provider the environment names (else ollama), or off', () => {
    expect(parseFilesLlm(undefined, {}, true)).toBe('ollama');
    expect(parseFilesLlm(undefined, { DECNET_REALISM_LLM: 'fake' }, true)).toBe('fake');
    expect(parseFilesLlm(undefined, { DECNET_FILES_LLM: 'off', DECNET_REALISM_LLM: 'fake' }, true)).toBe('fake');
    expect(parseFilesLlm(undefined, { DECNET_FILES_LLM: 'ollama' }, false)).toBe('off');
    expect(parseOrchestrateOptions({ interval: '1', llm: false })).toEqual({ intervalMs: 1000, filesLlm: 'off' });
    expect(() => parseOrchestrateOptions({ interval: '1', llm: true, filesLlm: 'off' })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it.each(['openai', 'ollama; rm -rf /', '1'])('refuses %j naming the accepted values (exit 2)', (raw) => {
    expect(() => parseFilesLlm(raw, {})).toThrow(CliError);
    expect(() => parseFilesLlm(raw, {})).toThrow(/off, ollama, fake/);
  });

  it('builds no enricher when off, so nothing changes for operators without an LLM', () => {
    expect(createFilesEnricher('off', {})).toBeUndefined();
  });

  it('builds an enricher over the factory backend with a short timeout', async () => {
    const enrich = createFilesEnricher('fake', { DECNET_EMAILGEN_FAKE_OUTPUT: 'ask Bob about the SAN quote\\nmove the standup to 9:30' })!;
    expect(await enrich(req)).toMatchObject({ source: 'llm', body: 'ask Bob about the SAN quote\nmove the standup to 9:30\n' });
    const failing = createFilesEnricher('fake', { DECNET_EMAILGEN_FAKE_MODE: 'fail' })!;
    // the enricher's own provider wins over the email backend's variable
    expect(
      await createFilesEnricher('fake', { DECNET_REALISM_LLM: 'ollama', DECNET_REALISM_FAKE_OUTPUT: 'renew the SAN support contract' })!(
        req,
      ),
    ).toMatchObject({ source: 'llm' });
    expect(await failing(req)).toMatchObject({ source: 'template', body: req.template });
  });

  it('threads the store’s files port and the enricher into the runtime deps', () => {
    const store = { files: { marker: 1 }, inventory: {} } as unknown as Pick<Store, 'files' | 'inventory'>;
    const deps = liveFilesFor(store, silentLogger, 'fake', {});
    expect(deps.files).toBe(store.files);
    expect(typeof deps.liveFiles.enrich).toBe('function');
    expect(typeof deps.liveFiles.personasFor).toBe('function');
    expect(liveFilesFor(store, silentLogger, 'off', {}).liveFiles.enrich).toBeUndefined();
  });
});
