import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isIanaTimeZone, PersonaSchema } from '../../domain/persona.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

// names become container names (`<decky>-<service>`) and topic segments: a safe token only.
const token = (what: string) =>
  z.string().min(1).max(64).regex(NAME_RE, `${what} must start with a letter or digit and contain only letters, digits, '_', '.', '-'`);

/** One decky of a topology file. */
const TopologyFileDeckySchema = z.strictObject({
  name: token('name'),
  services: z.array(token('service')).max(32),
  ip: z.ipv4().optional(),
  state: z
    .string()
    .regex(/^[a-z][a-z_]{0,31}$/, 'state must be a lowercase word such as pending or running')
    .optional(),
});

/** A topology file as `decnet-orchestrator topology import` reads it (SPEC §1.2). */
const TopologyFileSchema = z
  .strictObject({
    id: z.guid('id must be a uuid').optional(),
    name: z.string().trim().min(1).max(128),
    language_default: z
      .string()
      // DECNET's column is VARCHAR(8) (`pt-BR` fits); a code token, as `--language` takes it
      .regex(/^[A-Za-z0-9_-]{1,8}$/, 'language_default must be a language code of up to 8 characters such as en or pt-BR')
      .default('en'),
    timezone: z.string().trim().refine(isIanaTimeZone, 'timezone must be an IANA time zone such as Europe/Berlin').optional(),
    // the personas package's schema: an import is strict (a bad persona rejects the file), the
    // stored list is its normalised output, and the worker's lenient parse reads it back.
    email_personas: z.array(PersonaSchema).max(1000).default([]),
    deckies: z.array(TopologyFileDeckySchema).max(10_000),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    file.deckies.forEach((d, i) => {
      if (names.has(d.name)) ctx.addIssue({ code: 'custom', path: ['deckies', i, 'name'], message: `duplicate name "${d.name}"` });
      names.add(d.name);
    });
    // two personas may share an address, as DECNET's topologies allow; one mailbox actor serves it
  });

/** A validated topology file, before an id is assigned. */
type TopologyFileInput = z.output<typeof TopologyFileSchema>;

/** A validated topology file with its id resolved (given or generated). */
export type TopologyFile = TopologyFileInput & { id: string; idGenerated: boolean };

/** Why a topology file was rejected; `message` names the field path, e.g. `deckies[1].services`. */
export class TopologyFileError extends Error {
  readonly code = 'TOPOLOGY_FILE_INVALID';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Validates parsed JSON as a topology file; throws TopologyFileError naming the first bad field. */
export function parseTopologyFile(json: unknown): TopologyFile {
  const parsed = TopologyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    const detail = issue.message.replace(/^Invalid input: /, '');
    throw new TopologyFileError(`${path}: ${detail}`, path);
  }
  const file = parsed.data;
  return { ...file, id: file.id?.toLowerCase() ?? randomUUID(), idGenerated: file.id === undefined };
}

/** `['deckies', 1, 'services']` → `deckies[1].services`; the empty path is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out || '(root)';
}
