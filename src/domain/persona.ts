import { z } from 'zod';

/** Tones a persona writes in (SPEC §6.1); `custom` takes its words from `tone_custom`, as DECNET 1.2 does. */
const TONES = ['formal', 'direct', 'casual', 'technical', 'custom'] as const;
/** How quickly a persona answers (SPEC §6.1). */
const REPLY_LATENCIES = ['fast', 'normal', 'slow'] as const;
/** Active hours when a persona does not say (SPEC §6.1). */
const DEFAULT_ACTIVE_HOURS = '09:00-18:00';

// The rules below are DECNET's (realism/personas.py, pydantic v2 in lax mode), field by field:
// a pool DECNET accepts loses no entry here and an entry DECNET drops is dropped here too. Nothing
// is trimmed or refused for its characters: header and path safety is the mail builder's job
// (infra/mail/eml.ts quotes, encodes or strips at use), so no stricter rule hides here.

/** Length as Python counts it (code points), so an emoji is one character, not two. */
export function pyLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// Python's str.isspace(): what `str.strip()` removes (JS trim() differs on U+001C–U+001F, U+0085 and U+FEFF)
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching Python's whitespace, controls included, is the point
const PY_SPACE = /^[\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** True when Python's `s.strip()` would leave nothing. */
export function isPyBlank(s: string): boolean {
  return PY_SPACE.test(s);
}

/** A string of `min`..`max` characters counted as Python does; any characters. */
const text = (min: number, max: number) =>
  z.string().refine(
    (s) => {
      const n = pyLength(s);
      return n >= min && n <= max;
    },
    { error: min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters` },
  );

/** DECNET's address rule: an `@`, and around the last one a non-empty local part and a domain holding a dot. */
export function isPersonaEmail(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  return email.slice(at + 1).includes('.');
}

// pydantic's lax bool: true/false, 0/1 (also 0.0/1.0) and these words, whatever their case
const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);
const laxBool = z.union([
  z.boolean(),
  z.literal([0, 1]).transform((n) => n === 1),
  z
    .string()
    .refine((s) => TRUE_WORDS.has(s.toLowerCase()) || FALSE_WORDS.has(s.toLowerCase()), { error: 'must be a boolean' })
    .transform((s) => TRUE_WORDS.has(s.toLowerCase())),
]);

const IANA_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** True when `zone` names a time zone the runtime knows (IANA names such as `Europe/Berlin`). */
export function isIanaTimeZone(zone: string): boolean {
  if (!IANA_ZONE.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One persona as written in a pool file or a topology (SPEC §6.1, DECNET's rules); unknown keys are dropped. */
export const PersonaSchema = z
  .object({
    name: text(1, 128),
    email: text(3, 255).refine(isPersonaEmail, { error: 'must look like user@domain.tld' }),
    role: text(1, 128),
    tone: z.enum(TONES).default('formal'),
    // optional in the type so personas built in code need not name it; absent and null mean the same
    tone_custom: text(0, 128).nullish(),
    // up to 12 strings of any length, as DECNET takes them; null is not a list there either
    mannerisms: z.array(z.string()).max(12).default([]),
    // null or absent → the topology's language_default, resolved by parsePersonaPool
    language: text(0, 8)
      .nullish()
      .transform((v) => v ?? null),
    signature: text(0, 512)
      .nullish()
      .transform((v) => v ?? null),
    // any string up to 32: equal ends or garbage mean "always active" (SPEC §6.1); null is refused, as DECNET does
    active_hours: text(0, 32).default(DEFAULT_ACTIVE_HOURS),
    reply_latency: z.enum(REPLY_LATENCIES).default('normal'),
    uses_llms_heavily: laxBool.default(false),
    // our extra, which DECNET ignores: a zone it does not know is ignored too (parsePersonaPool warns), never fatal
    timezone: z
      .unknown()
      .transform((v) => (typeof v === 'string' && isIanaTimeZone(v.trim()) ? v.trim() : undefined))
      .optional(),
  })
  .refine((p) => p.tone !== 'custom' || (typeof p.tone_custom === 'string' && !isPyBlank(p.tone_custom)), {
    error: "tone_custom is required when tone is 'custom'",
    path: ['tone_custom'],
  });

/** A persona as validated, before its language is resolved. */
type PersonaRecord = z.output<typeof PersonaSchema>;

/** A persona ready to use: its language is always set. */
export type Persona = Omit<PersonaRecord, 'language'> & { language: string };

/** Where unset persona fields come from: the topology, else the host. */
interface PersonaDefaults {
  languageDefault: string;
  /** IANA zone applied to personas that set none; absent → the host's zone at use time */
  timezoneDefault?: string;
}

/** Outcome of a lenient parse: the valid personas and one warning per dropped entry or ignored field. */
interface PersonaPoolParse {
  personas: Persona[];
  warnings: string[];
}

/**
 * Lenient parse for pools and topologies, entry by entry as DECNET parses them: invalid entries are
 * dropped with a warning naming the index; every valid one is kept, two sharing an address included.
 */
export function parsePersonaPool(raw: unknown, defaults: PersonaDefaults): PersonaPoolParse {
  if (!Array.isArray(raw)) return { personas: [], warnings: [`personas: expected a list, got ${describe(raw)}`] };
  const personas: Persona[] = [];
  const warnings: string[] = [];
  raw.forEach((entry, index) => {
    const parsed = PersonaSchema.safeParse(entry);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      warnings.push(`persona[${index}] dropped: ${why}`);
      return;
    }
    const zone = (entry as { timezone?: unknown }).timezone;
    if (zone !== undefined && zone !== null && parsed.data.timezone === undefined) {
      warnings.push(`persona[${index}] timezone ${JSON.stringify(zone)} ignored: not an IANA time zone`);
    }
    personas.push(resolvePersona(parsed.data, defaults));
  });
  return { personas, warnings };
}

/** Fills a validated persona's language (and zone, when a default is given). */
function resolvePersona(record: PersonaRecord, defaults: PersonaDefaults): Persona {
  // DECNET keeps a blank language as it is; a prompt asking for "" would be useless, so it reads as the default
  const language = record.language === null || isPyBlank(record.language) ? defaults.languageDefault : record.language;
  const persona: Persona = { ...record, language };
  const timezone = record.timezone ?? defaults.timezoneDefault;
  // absent rather than undefined, so a normalised file never carries `"timezone": null`
  if (timezone) persona.timezone = timezone;
  else delete persona.timezone;
  return persona;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
