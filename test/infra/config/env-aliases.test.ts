import { describe, expect, it } from 'vitest';
import { aliasesInUse, ENV_ALIASES, readAliased } from '../../../src/infra/config/env-aliases.js';

describe('DECNET 1.2 variable names and the seed’s aliases', () => {
  it('maps each DECNET_REALISM_* name to the seed’s DECNET_EMAILGEN_* of the same meaning', () => {
    for (const [name, alias] of Object.entries(ENV_ALIASES)) expect(alias).toBe(name.replace('DECNET_REALISM_', 'DECNET_EMAILGEN_'));
  });

  it('reads the new name first: it wins when both are set', () => {
    expect(readAliased({ DECNET_REALISM_MODEL: 'qwen2.5', DECNET_EMAILGEN_MODEL: 'llama3.1' }, 'DECNET_REALISM_MODEL')).toEqual({
      value: 'qwen2.5',
      from: 'DECNET_REALISM_MODEL',
    });
  });

  it('falls back to the alias, and counts a blank value as unset', () => {
    expect(readAliased({ DECNET_REALISM_MODEL: '  ', DECNET_EMAILGEN_MODEL: 'llama3.1' }, 'DECNET_REALISM_MODEL')).toEqual({
      value: 'llama3.1',
      from: 'DECNET_EMAILGEN_MODEL',
    });
    expect(readAliased({}, 'DECNET_REALISM_MODEL')).toBeUndefined();
  });

  it('names the aliases the environment relies on, not those shadowed by their new name', () => {
    const env = { DECNET_EMAILGEN_LLM: 'fake', DECNET_EMAILGEN_MODEL: 'a', DECNET_REALISM_MODEL: 'b', DECNET_EMAILGEN_PERSONAS: '/p.json' };
    expect(aliasesInUse(env)).toEqual([
      { alias: 'DECNET_EMAILGEN_LLM', name: 'DECNET_REALISM_LLM' },
      { alias: 'DECNET_EMAILGEN_PERSONAS', name: 'DECNET_REALISM_PERSONAS' },
    ]);
    expect(aliasesInUse({ DECNET_REALISM_LLM: 'fake' })).toEqual([]);
  });
});
