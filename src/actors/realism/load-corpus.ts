import { hostTimeZone } from '../../machines/email/active-hours.js';
import type { Persona } from '../../domain/persona.js';
import type { Page } from '../../domain/page.js';
import type { Store } from '../../infra/store/store.port.js';
import type { CorpusEmail, CorpusFile, CorpusPersona, RealismCorpus } from '../../checks/corpus.js';

/** Bounds and settings of a corpus load. */
interface LoadCorpusOptions {
  spoolRoot: string;
  /** zone of personas that set none (default: the host's) */
  hostZone?: string;
  /** most rows read per table (default 100,000, newest first) */
  maxRows?: number;
}

const PAGE = 1000;

async function readAll<T>(list: (offset: number) => Promise<Page<T>>, max: number): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; out.length < max; offset += PAGE) {
    const page = await list(offset);
    out.push(...page.data);
    if (page.data.length < PAGE) break;
  }
  return out.slice(0, max);
}

/** Personas keyed by lower-case address, zone resolved (persona, else host). */
export function personaDirectory(personas: readonly Persona[], hostZone: string = hostTimeZone()): Map<string, CorpusPersona> {
  const out = new Map<string, CorpusPersona>();
  for (const p of personas) {
    const email = p.email.toLowerCase();
    if (out.has(email)) continue;
    out.set(email, {
      email,
      timeZone: p.timezone ?? hostZone,
      activeHours: p.active_hours,
      usesLlmsHeavily: p.uses_llms_heavily,
      language: p.language,
    });
  }
  return out;
}

/** Reads what the daemon recorded (events, emails, synthetic files) into a corpus for the checks. */
export async function loadCorpus(
  store: Pick<Store, 'events' | 'emails' | 'files'>,
  personas: readonly Persona[],
  opts: LoadCorpusOptions,
): Promise<RealismCorpus> {
  const max = opts.maxRows ?? 100_000;
  const [events, emails, files] = await Promise.all([
    readAll((offset) => store.events.listEvents({ limit: PAGE, offset }), max),
    readAll((offset) => store.emails.listEmails({ limit: PAGE, offset }), max),
    readAll((offset) => store.files.listFiles({ limit: PAGE, offset }), max),
  ]);
  const corpusFiles: CorpusFile[] = files.map((f) => ({
    deckyUuid: f.deckyUuid,
    path: f.path,
    author: f.author,
    contentClass: f.contentClass,
    createdAt: f.createdAt,
    lastModified: f.lastModified,
    // a truncated body is not the file's content: comparing it would mislead
    ...(f.bodyTruncated ? {} : { body: f.body }),
    source: 'store',
  }));
  for (const e of events) {
    const path = e.payload.path;
    if (e.kind !== 'file' || !e.success || typeof path !== 'string') continue;
    const cls = e.payload.content_class;
    corpusFiles.push({
      deckyUuid: e.dstDeckyUuid,
      path,
      author: null,
      contentClass: typeof cls === 'string' ? cls : 'baseline',
      lastModified: e.ts,
      source: 'event',
    });
  }
  const corpusEmails: CorpusEmail[] = emails.map((e) => ({
    uuid: e.uuid,
    ts: e.ts,
    mailDeckyUuid: e.mailDeckyUuid,
    threadId: e.threadId,
    messageId: e.messageId,
    inReplyTo: e.inReplyTo,
    sender: e.senderEmail,
    recipient: e.recipientEmail,
    subject: e.subject,
    language: e.language,
    emlPath: e.emlPath,
    success: e.success,
    ...(typeof e.payload.body === 'string' ? { body: e.payload.body } : {}),
    ...(typeof e.payload.body_excerpt === 'string' ? { excerpt: e.payload.body_excerpt } : {}),
  }));
  return {
    personas: personaDirectory(personas, opts.hostZone),
    emails: corpusEmails.reverse(),
    files: corpusFiles,
    events: events.map((e) => ({
      kind: e.kind,
      ts: e.ts,
      dst: e.dstDeckyUuid,
      src: e.srcDeckyUuid,
      success: e.success,
      backfilled: e.payload.backfilled === true,
    })),
    spoolRoot: opts.spoolRoot,
    inspected: false,
  };
}
