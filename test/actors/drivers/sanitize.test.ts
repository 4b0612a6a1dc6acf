import { describe, expect, it } from 'vitest';
import { clip, sanitizeOutput, sanitizeStderr } from '../../../src/actors/drivers/sanitize.js';

describe('sanitize', () => {
  it('bounds stderr to 256 characters by default', () => {
    expect(sanitizeStderr('e'.repeat(10_000))).toHaveLength(256);
  });

  it('replaces terminal escapes, other controls and bidi overrides, keeping tabs and newlines', () => {
    expect(sanitizeOutput('a\u001b[2Jb\u0007c\td\r\ne\u202ef\u0000', 100)).toBe('a?[2Jb?c\td\ne?f?');
  });

  it('replaces zero-width characters and directional marks, which hide or reorder what an operator reads', () => {
    // U+200B–U+200F (zero-width space, non-joiner, joiner, LRM, RLM) and U+061C (Arabic letter mark)
    expect(sanitizeOutput('ad\u200bmin \u200c\u200d\u200e\u200fx\u061cy', 100)).toBe('ad?min ????x?y');
    // what is not invisible stays: accents, CJK, emoji
    expect(sanitizeOutput('Zoë 東京 😀', 100)).toBe('Zoë 東京 😀');
  });

  it('never splits a surrogate pair when clipping', () => {
    expect(clip('ab😀cd', 3)).toBe('ab😀');
  });
});
