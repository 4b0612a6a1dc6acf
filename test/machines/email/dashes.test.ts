import { describe, expect, it } from 'vitest';
import { hasDashes, removeDashes } from '../../../src/machines/email/dashes.js';

describe('removeDashes', () => {
  it.each([
    ['We met — briefly — on Monday.', 'We met, briefly, on Monday.'],
    ['We met—briefly—on Monday.', 'We met, briefly, on Monday.'],
    ['The plan – if approved – starts soon.', 'The plan, if approved, starts soon.'],
    ['Open 9–17, pages 10—12.', 'Open 9-17, pages 10-12.'],
    ['the Lisbon–Porto line', 'the Lisbon-Porto line'],
    ['— first item', '- first item'],
    ['  – nested item', '  - nested item'],
    ['One more thing —', 'One more thing'],
    ['Wait—.', 'Wait.'],
    ['Options: — a', 'Options: a'],
    ['(— see above)', '(see above)'],
    ['a ― b ⸺ c', 'a, b, c'],
    ['plain text - with hyphen', 'plain text - with hyphen'],
  ])('%j → %j', (input, expected) => {
    expect(removeDashes(input)).toBe(expected);
    expect(hasDashes(removeDashes(input))).toBe(false);
  });

  it('keeps line structure', () => {
    expect(removeDashes('a — b\n\nc—d')).toBe('a, b\n\nc, d');
  });
});
