import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/infra/config/config-error.js';
import { parseEnvFile } from '../../../src/infra/config/env-file.js';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, skipping blank and # or ; comment lines, later lines winning', () => {
    const text = '# comment\n; also a comment\n\nA=1\n  B = two words  \nA=3\r\nEMPTY=\n';
    expect(parseEnvFile(text, 'f')).toEqual({ A: '3', B: 'two words', EMPTY: '' });
  });

  it('takes quoted values whole: double quotes with \\" \\\\ \\$ \\` escapes, single quotes literal', () => {
    const text = 'D="a \\"b\\" # not a comment \\n"\nS=\'it\\s $HOME\'\nH=pass#word\n';
    expect(parseEnvFile(text, 'f')).toEqual({ D: 'a "b" # not a comment \\n', S: 'it\\s $HOME', H: 'pass#word' });
  });

  it('evaluates nothing: $VAR, braced variables and backticks stay text', () => {
    const braced = ['$', '{USER}'].join('');
    expect(parseEnvFile(`X=$HOME/${braced}/\`id\`\nY="$(rm -rf /)"\n`, 'f')).toEqual({ X: `$HOME/${braced}/\`id\``, Y: '$(rm -rf /)' });
  });

  it.each([
    ['no equals sign', 'JUSTAWORD\n', 'f:1: expected KEY=VALUE'],
    ['a shell export', 'export A=1\n', 'f:1: "export A" is not a variable name (no `export`: this is not a shell script)'],
    ['a bad name', '\n1A=x\n', 'f:2: "1A" is not a variable name'],
    ['text after a closing quote', 'A="x" y\n', 'f:1: text after the closing quote'],
    ['an unterminated quote', 'A="x\ny"\n', 'f:1: unterminated quote'],
    ['a continuation backslash', 'A=x \\\nB=1\n', 'f:1: a trailing backslash'],
  ])('refuses %s, naming file and line', (_what, text, message) => {
    expect(() => parseEnvFile(text, 'f')).toThrow(ConfigError);
    expect(() => parseEnvFile(text, 'f')).toThrow(message);
  });

  it('reads the shipped decnet.env.example', () => {
    const example = readFileSync(resolve(import.meta.dirname, '../../../deploy/systemd/decnet.env.example'), 'utf8');
    expect(parseEnvFile(example, 'decnet.env.example')).toEqual({ DECNET_DB: '/var/lib/decnet/decnet.sqlite' });
  });
});
