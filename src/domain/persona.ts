import { z } from 'zod';

/** Tones a persona writes in (SPEC §6.1). */
const TONES = ['formal', 'direct', 'casual', 'technical'] as const;
/** How quickly a persona answers (SPEC §6.1). */
const REPLY_LATENCIES = ['fast', 'normal', 'slow'] as const;
/** Active hours when a persona does not say (SPEC §6.1). */
const DEFAULT_ACTIVE_HOURS = '09:00-18:00';

// single-line text: control characters would end up in prompts and mail headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
// signatures are multi-line, so only line feeds and tabs survive.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029]/;
// dot-atom local part and an ASCII (or punycode) domain: the address goes into headers, the
// Message-ID and the spool file name as-is, so anything needing quoting is refused here.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const LANGUAGE = /^[A-Za-z0-9_-]+$/;
const IANA_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), { error: 'must be a single line without control characters' });

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

/** Checks the SPEC §6.1 address rules: one `@`, non-empty local part, a dotted domain. */
export function isPersonaEmail(email: string): boolean {
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  return LOCAL_PART.test(email.slice(0, at)) && DOMAIN.test(email.slice(at + 1));
}

/** One persona as written in a pool file or a topology (SPEC §6.1); unknown keys are dropped. */
export const PersonaSchema = z.object({
  name: line(128),
  email: z
    .string()
    .trim()
    .min(3)
    .max(255)
    .refine(isPersonaEmail, { error: 'must be local@domain.tld (one @, no spaces or quoting)' }),
  role: line(128),
  tone: z.enum(TONES).default('formal'),
  mannerisms: z.array(line(256)).max(12).default([]),
  // null or absent → the topology's language_default, resolved by parsePersonaPool
  language: z
    .string()
    .trim()
    .min(1)
    .max(8)
    .regex(LANGUAGE, { error: 'must be a language code such as en or pt-BR' })
    .nullish()
    .transform((v) => v ?? null),
  signature: z
    .string()
    .max(512)
    .refine((s) => !CONTROL_EXCEPT_NEWLINE.test(s), { error: 'must not contain control characters' })
    .nullish()
    .transform((v) => v ?? null),
  // any string: equal ends or garbage mean "always active" (SPEC §6.1), so it is not refused
  active_hours: z
    .string()
    .nullish()
    .transform((v) => v ?? DEFAULT_ACTIVE_HOURS),
  reply_latency: z.enum(REPLY_LATENCIES).default('normal'),
  uses_llms_heavily: z.boolean().default(false),
  timezone: z.string().trim().refine(isIanaTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).optional(),
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

/** Outcome of a lenient parse: the valid personas and one warning per dropped entry. */
interface PersonaPoolParse {
  personas: Persona[];
  warnings: string[];
}

/** Lenient parse for pools and topologies: invalid or duplicate entries are dropped with a warning naming the index. */
export function parsePersonaPool(raw: unknown, defaults: PersonaDefaults): PersonaPoolParse {
  if (!Array.isArray(raw)) return { personas: [], warnings: [`personas: expected a list, got ${describe(raw)}`] };
  const personas: Persona[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, index) => {
    const parsed = PersonaSchema.safeParse(entry);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      warnings.push(`persona[${index}] dropped: ${why}`);
      return;
    }
    // sender and recipient must differ by address, so two personas may not share one
    const key = parsed.data.email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push(`persona[${index}] dropped: email ${parsed.data.email} already used by persona[${first}]`);
      return;
    }
    seen.set(key, index);
    personas.push(resolvePersona(parsed.data, defaults));
  });
  return { personas, warnings };
}

/** Fills a validated persona's language (and zone, when a default is given). */
function resolvePersona(record: PersonaRecord, defaults: PersonaDefaults): Persona {
  const persona: Persona = { ...record, language: record.language ?? defaults.languageDefault };
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
