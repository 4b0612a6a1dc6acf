import { describe, expect, it } from 'vitest';
import { formatTable, printable } from '../../../src/surfaces/cli/text-output.js';

describe('printable', () => {
  it('escapes terminal controls', () => {
    expect(printable('a\u001b[2Jb\u009bc')).toBe('a\\x1b[2Jb\\x9bc');
  });

  it('shows zero-width characters, directional marks and bidi controls instead of letting them hide text', () => {
    expect(printable('web\u200b01 \u202eexe.txt \u2066x\u2069 \u061c')).toBe('web\\u200b01 \\u202eexe.txt \\u2066x\\u2069 \\u061c');
    expect(printable('Zoë 東京')).toBe('Zoë 東京');
  });

  it('makes every cell of a table printable', () => {
    expect(formatTable(['NAME'], [['db\u200e01']])).toEqual(['NAME', 'db\\u200e01']);
  });
});
