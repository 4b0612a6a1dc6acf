import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/surfaces/cli/cli-error.js';
import { createFilesEnricher, liveFilesFor, parseFilesLlm } from '../../../src/surfaces/cli/live-files.js';
import { parseOrchestrateOptions } from '../../../src/surfaces/cli/orchestrate.command.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { Store } from '../../../src/infra/store/store.port.js';

const req = { contentClass: 'notes' as const, path: '/home/akeller/notes.txt', template: 'check the backup job\n', author: { name: 'Ann Keller' } };

describe('--files-llm', () => {
  it('is off unless the flag or DECNET_FILES_LLM asks, the flag winning', () => {
    expect(parseFilesLlm(undefined, {})).toBe('off');
    expect(parseFilesLlm(undefined, { DECNET_FILES_LLM: 'Ollama' })).toBe('ollama');
    expect(parseFilesLlm('fake', { DECNET_FILES_LLM: 'ollama' })).toBe('fake');
    expect(parseOrchestrateOptions({ interval: '1', filesLlm: 'off' })).toEqual({ intervalMs: 1000, filesLlm: 'off' });
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
