import { describe, expect, it } from 'vitest';
import { isMailDecky, mailContainerName } from '../../../src/machines/email/mail-decky.js';
import { pickDistinct, pickOne, seededRng } from '../../../src/domain/rng.js';

describe('mail deckies', () => {
  it('are deckies with imap or pop3; undecodable services never are', () => {
    expect(isMailDecky({ services: ['ssh', 'imap'] })).toBe(true);
    expect(isMailDecky({ services: ['pop3'] })).toBe(true);
    expect(isMailDecky({ services: ['ssh', 'smtp'] })).toBe(false);
    expect(isMailDecky({ services: null })).toBe(false);
  });

  it('receive mail in the -imap container when there is one, else -pop3', () => {
    expect(mailContainerName({ name: 'mail01', services: ['pop3', 'imap'] })).toBe('mail01-imap');
    expect(mailContainerName({ name: 'mail01', services: ['pop3'] })).toBe('mail01-pop3');
    expect(mailContainerName({ name: 'web01', services: ['ssh'] })).toBeNull();
  });
});

describe('random helpers', () => {
  it('never index past the end with a faulty rng, and handle empty lists', () => {
    expect(pickOne([1, 2, 3], () => 1)).toBe(3);
    expect(pickOne([], () => 0.5)).toBeUndefined();
    expect(pickDistinct([1, 2], 5, () => 1).sort()).toEqual([1, 2]);
  });
  it('repeat a seeded sequence', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
