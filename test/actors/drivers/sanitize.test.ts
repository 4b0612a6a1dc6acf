import { describe, expect, it } from 'vitest';
import { clip, sanitizeOutput, sanitizeStderr } from '../../../src/actors/drivers/sanitize.js';

describe('sanitize', () => {
  it('bounds stderr to 256 characters by default', () => {
    expect(sanitizeStderr('e'.repeat(10_000))).toHaveLength(256);
  });

  it('replaces terminal escapes, other controls and bidi overrides, keeping tabs and newlines', () => {
    expect(sanitizeOutput('a\u001b[2Jb\u0007c\td\r\ne\u202ef\u0000', 100)).toBe('a?[2Jb?c\td\ne?f?');
  });

  it('never splits a surrogate pair when clipping', () => {
    expect(clip('ab😀cd', 3)).toBe('ab😀');
  });
});
