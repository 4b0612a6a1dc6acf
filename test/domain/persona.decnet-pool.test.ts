import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePersonaPool } from '../../src/domain/persona.js';

// every shape DECNET's validator (realism/personas.py, pydantic v2) takes and every shape it drops;
// the kept indexes were checked against pydantic 2.13 with DECNET's field declarations
const pool: unknown[] = JSON.parse(readFileSync(new URL('../fixtures/decnet/personas-pool.json', import.meta.url), 'utf8'));
const KEPT = [0, 1, 5, 7, 9, 11, 12, 16, 17, 18, 20, 23, 25, 26, 28, 29, 33, 36, 38, 45, 46, 47, 49];

describe('parsePersonaPool on a pool of every DECNET shape', () => {
  const { personas, warnings } = parsePersonaPool(pool, { languageDefault: 'en' });
  const dropped = warnings.flatMap((w) => /^persona\[(\d+)\] dropped/.exec(w)?.[1] ?? []).map(Number);

  it('keeps exactly the entries DECNET keeps, in order', () => {
    expect(pool).toHaveLength(50);
    const keptIndexes = pool.map((_, i) => i).filter((i) => !dropped.includes(i));
    expect(keptIndexes).toEqual(KEPT);
    expect(personas.map((p) => p.email)).toEqual(KEPT.map((i) => (pool[i] as { email: string }).email));
  });

  it('names every dropped index once, and warns that the unknown zone of entry 38 is ignored', () => {
    expect(dropped).toEqual(pool.map((_, i) => i).filter((i) => !KEPT.includes(i)));
    expect(warnings).toContain('persona[38] timezone "Mars/Olympus" ignored: not an IANA time zone');
  });

  it('normalises values as DECNET does: lax booleans, defaults, resolved languages', () => {
    const at = (i: number) => personas[KEPT.indexOf(i)]!;
    expect(at(33).uses_llms_heavily).toBe(true);
    expect(at(36).uses_llms_heavily).toBe(true);
    expect(at(47).uses_llms_heavily).toBe(false);
    expect(at(1)).toMatchObject({ tone: 'custom', tone_custom: 'dry, sarcastic, terse', language: 'pt-BR' });
    expect(at(0)).toMatchObject({
      tone: 'formal',
      mannerisms: [],
      language: 'en',
      signature: null,
      active_hours: '09:00-18:00',
      reply_latency: 'normal',
    });
    expect(at(7).name).toBe(' ');
    expect(at(38)).not.toHaveProperty('password');
    expect(at(38)).not.toHaveProperty('timezone');
    expect(at(49).timezone).toBe('Europe/Lisbon');
  });
});
