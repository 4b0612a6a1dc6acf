import { describe, expect, it } from 'vitest';
import { PersonaSchema, isIanaTimeZone, isPersonaEmail, isPyBlank, parsePersonaPool, pyLength } from '../../src/domain/persona.js';

// each rule is DECNET's (realism/personas.py); test/domain/persona.decnet-pool.test.ts runs them all over one pool
const valid = { name: 'Ana Souza', email: 'ana.souza@acme-corp.com', role: 'Finance Manager' };
const parse = (over: Record<string, unknown>) => PersonaSchema.safeParse({ ...valid, ...over });
const ok = (over: Record<string, unknown>) => expect(parse(over).success).toBe(true);
const bad = (over: Record<string, unknown>) => expect(parse(over).success).toBe(false);

describe('PersonaSchema', () => {
  it('fills the defaults of SPEC §6.1 for a minimal persona', () => {
    expect(PersonaSchema.parse(valid)).toEqual({
      ...valid,
      tone: 'formal',
      mannerisms: [],
      language: null,
      signature: null,
      active_hours: '09:00-18:00',
      reply_latency: 'normal',
      uses_llms_heavily: false,
    });
  });

  it('drops unknown keys, as DECNET ignores them', () => {
    expect(PersonaSchema.parse({ ...valid, password: 'x' })).not.toHaveProperty('password');
  });

  describe('name and role', () => {
    it('accept 1 to 128 characters counted as Python counts them, whitespace included', () => {
      ok({ name: 'A', role: 'r'.repeat(128) });
      ok({ name: ' ' });
      ok({ name: '😀'.repeat(128) });
      bad({ name: '😀'.repeat(129) });
      bad({ name: '' });
      bad({ name: 'n'.repeat(129) });
      bad({ role: '' });
      bad({ role: 'r'.repeat(129) });
    });
    it('keep line breaks and controls, as DECNET does (the mail builder neutralises them in headers)', () => {
      expect(parse({ name: 'Bob\r\nBcc: x@evil.com' }).data?.name).toBe('Bob\r\nBcc: x@evil.com');
      ok({ role: 'CFO\nsecond line' });
    });
    it('are required strings', () => {
      expect(PersonaSchema.safeParse({ email: valid.email, role: 'r' }).success).toBe(false);
      expect(PersonaSchema.safeParse({ email: valid.email, name: 'n' }).success).toBe(false);
      bad({ name: 42 });
      bad({ name: null });
    });
  });

  describe('email', () => {
    it.each([
      'a@b.c',
      'first.last+tag@mail.example.co.uk',
      "o'neil@x-y.org",
      'ana@b@acme.com',
      'ana souza@acme.com',
      'a@.',
      'ana@acme.com.',
      'zoë@exämple.com',
      'ana@acme.com\r\nBcc: x@evil.com',
    ])('accepts %j (DECNET splits at the last @ and wants a dot after it)', (email) => ok({ email }));
    it.each([
      ['missing @', 'ana.acme.com'],
      ['empty local part', '@acme.com'],
      ['domain without a dot', 'ana@localhost'],
      ['the dot before the last @', 'a.b@c'],
      ['too short', 'a@'],
      ['too long', `${'a'.repeat(250)}@x.com`],
    ])('refuses %s', (_why, email) => bad({ email }));
    it('isPersonaEmail is the same rule', () => {
      expect(isPersonaEmail('x@y@z.w')).toBe(true);
      expect(isPersonaEmail('x.y@z')).toBe(false);
    });
  });

  describe('tone', () => {
    it('accepts the four canned tones and custom, case-sensitive', () => {
      for (const tone of ['formal', 'direct', 'casual', 'technical']) ok({ tone });
      ok({ tone: 'custom', tone_custom: 'deadpan' });
      bad({ tone: 'angry' });
      bad({ tone: 'Formal' });
      bad({ tone: null });
    });
    it('custom needs tone_custom that Python would not strip to nothing, of at most 128 characters', () => {
      bad({ tone: 'custom' });
      bad({ tone: 'custom', tone_custom: null });
      bad({ tone: 'custom', tone_custom: ' \t\n' });
      bad({ tone: 'custom', tone_custom: '\u001c\u0085' });
      ok({ tone: 'custom', tone_custom: '\ufeff' });
      ok({ tone: 'custom', tone_custom: 't'.repeat(128) });
      bad({ tone: 'custom', tone_custom: 't'.repeat(129) });
      bad({ tone: 'formal', tone_custom: 't'.repeat(129) });
      expect(parse({ tone: 'formal', tone_custom: 'kept' }).data?.tone_custom).toBe('kept');
    });
    it('isPyBlank follows str.isspace, pyLength counts code points', () => {
      expect(isPyBlank('\u001f\u3000')).toBe(true);
      expect(isPyBlank('\ufeff')).toBe(false);
      expect(pyLength('a😀')).toBe(2);
    });
  });

  it('accepts up to 12 mannerisms of any strings, and no null', () => {
    ok({ mannerisms: Array.from({ length: 12 }, (_, i) => `habit ${i}`) });
    ok({ mannerisms: ['', 'm'.repeat(300), 'two\nlines'] });
    bad({ mannerisms: Array.from({ length: 13 }, (_, i) => `habit ${i}`) });
    bad({ mannerisms: [1] });
    bad({ mannerisms: null });
    bad({ mannerisms: 'not a list' });
  });

  it('accepts any language of up to 8 characters, or null', () => {
    ok({ language: 'pt-BR' });
    ok({ language: 'x-klingo' });
    ok({ language: '' });
    ok({ language: null });
    bad({ language: 'portugues' });
    bad({ language: 8 });
  });

  it('accepts a signature of up to 512 characters, or null', () => {
    expect(parse({ signature: 'Ana\nFinance' }).data?.signature).toBe('Ana\nFinance');
    ok({ signature: 's'.repeat(512) });
    ok({ signature: 'Ana\u0007' });
    ok({ signature: null });
    bad({ signature: 's'.repeat(513) });
  });

  it('keeps any active_hours string of up to 32 characters (garbage means always active) and refuses null', () => {
    expect(parse({ active_hours: '22:00-06:00' }).data?.active_hours).toBe('22:00-06:00');
    expect(parse({ active_hours: 'whenever' }).data?.active_hours).toBe('whenever');
    ok({ active_hours: '0'.repeat(32) });
    bad({ active_hours: '0'.repeat(33) });
    bad({ active_hours: null });
    bad({ active_hours: 9 });
  });

  it('accepts the three reply latencies', () => {
    for (const reply_latency of ['fast', 'normal', 'slow']) ok({ reply_latency });
    bad({ reply_latency: 'instant' });
    bad({ reply_latency: null });
  });

  it("reads uses_llms_heavily as pydantic's lax bool", () => {
    const flag = (v: unknown) => parse({ uses_llms_heavily: v }).data?.uses_llms_heavily;
    for (const yes of [true, 1, '1', 'on', 't', 'true', 'y', 'yes', 'YES', 'True']) expect(flag(yes)).toBe(true);
    for (const no of [false, 0, '0', 'off', 'f', 'false', 'n', 'no', 'OFF']) expect(flag(no)).toBe(false);
    for (const wrong of [2, -1, 0.5, 'maybe', '', ' yes', null, []]) bad({ uses_llms_heavily: wrong });
  });

  it('keeps an IANA time zone (our extra) and ignores anything else instead of dropping the persona', () => {
    expect(parse({ timezone: 'Europe/Berlin' }).data?.timezone).toBe('Europe/Berlin');
    expect(parse({ timezone: 'America/Argentina/Buenos_Aires' }).data?.timezone).toBe('America/Argentina/Buenos_Aires');
    expect(parse({ timezone: 'UTC' }).data?.timezone).toBe('UTC');
    for (const timezone of ['Mars/Olympus', '+01:00', 'Europe/../etc', 3, null]) {
      expect(parse({ timezone }).success).toBe(true);
      expect(parse({ timezone }).data?.timezone).toBeUndefined();
    }
    expect(isIanaTimeZone('Asia/Tokyo')).toBe(true);
    expect(isIanaTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('parsePersonaPool', () => {
  it('resolves null, missing and blank languages to the default and keeps explicit ones', () => {
    const { personas, warnings } = parsePersonaPool(
      [
        { ...valid, language: null },
        { ...valid, email: 'b@acme.com' },
        { ...valid, email: 'c@acme.com', language: 'de' },
        { ...valid, email: 'd@acme.com', language: '' },
      ],
      { languageDefault: 'pt-BR' },
    );
    expect(warnings).toEqual([]);
    expect(personas.map((p) => p.language)).toEqual(['pt-BR', 'pt-BR', 'de', 'pt-BR']);
  });

  it('drops invalid entries with a warning naming the index and the field', () => {
    const { personas, warnings } = parsePersonaPool(
      [valid, { ...valid, email: 'nope' }, 42, { ...valid, email: 'z@acme.com', tone: 'x' }],
      {
        languageDefault: 'en',
      },
    );
    expect(personas).toHaveLength(1);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^persona\[1\] dropped: email: /);
    expect(warnings[1]).toMatch(/^persona\[2\] dropped: /);
    expect(warnings[2]).toMatch(/^persona\[3\] dropped: tone: /);
  });

  it('keeps a second persona with the same address, as DECNET does', () => {
    const { personas, warnings } = parsePersonaPool([valid, { ...valid, email: 'ANA.SOUZA@acme-corp.com' }], { languageDefault: 'en' });
    expect(personas.map((p) => p.email)).toEqual([valid.email, 'ANA.SOUZA@acme-corp.com']);
    expect(warnings).toEqual([]);
  });

  it('names the persona whose unknown zone is ignored', () => {
    const { personas, warnings } = parsePersonaPool([{ ...valid, timezone: 'Mars/Olympus' }], { languageDefault: 'en' });
    expect(personas).toHaveLength(1);
    expect(warnings).toEqual(['persona[0] timezone "Mars/Olympus" ignored: not an IANA time zone']);
  });

  it('gives personas without a zone the default zone, and keeps their own', () => {
    const { personas } = parsePersonaPool([valid, { ...valid, email: 'b@acme.com', timezone: 'Asia/Tokyo' }], {
      languageDefault: 'en',
      timezoneDefault: 'Europe/Lisbon',
    });
    expect(personas.map((p) => p.timezone)).toEqual(['Europe/Lisbon', 'Asia/Tokyo']);
    expect(parsePersonaPool([valid], { languageDefault: 'en' }).personas[0]).not.toHaveProperty('timezone');
  });

  it('returns no personas and a warning for anything but a list', () => {
    expect(parsePersonaPool({ personas: [] }, { languageDefault: 'en' })).toEqual({
      personas: [],
      warnings: ['personas: expected a list, got an object'],
    });
  });
});
