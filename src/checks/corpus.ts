/** A persona as the checks need it (hours, zone, dash licence, language). */
export interface CorpusPersona {
  /** lower-case address */
  email: string;
  timeZone: string;
  activeHours: string;
  usesLlmsHeavily: boolean;
  language: string;
}

/** One email as recorded, plus what inspection could read of it. */
export interface CorpusEmail {
  uuid: string;
  ts: Date;
  mailDeckyUuid: string;
  threadId: string;
  messageId: string;
  inReplyTo: string | null;
  sender: string;
  recipient: string;
  subject: string;
  language: string;
  emlPath: string;
  success: boolean;
  /** plain-text body, when the spool (or a future store field) gave one */
  body?: string;
  /** the start of the body the store keeps for replies (`payload.body_excerpt`) */
  excerpt?: string;
  /** the raw message (headers and body) when the spool was read */
  eml?: string;
  /** `stat` mtime of the spool file */
  spoolMtime?: Date;
  /** the name (host name) of the mail decky whose spool held it, when inspected */
  mailHost?: string;
}

/** One file the daemon wrote, from the store, from file events, or as found on a decky. */
export interface CorpusFile {
  deckyUuid: string;
  path: string;
  /** persona email for people, login for system accounts, null when unknown */
  author: string | null;
  /** content class, `baseline` for the §3.2 templates */
  contentClass: string;
  createdAt?: Date;
  /** the mtime the daemon meant the file to have */
  lastModified: Date;
  body?: string;
  source: 'store' | 'event';
  /** `stat` mtime on the decky, when inspected; null when the file is missing */
  statMtime?: Date | null;
}

/** One recorded synthetic action (traffic or file). */
export interface CorpusEvent {
  kind: string;
  ts: Date;
  dst: string;
  src: string | null;
  success: boolean;
  backfilled: boolean;
}

/** Everything the checks look at: the store and, on request, what the deckies really hold. */
export interface RealismCorpus {
  /** by lower-case email */
  personas: ReadonlyMap<string, CorpusPersona>;
  emails: readonly CorpusEmail[];
  files: readonly CorpusFile[];
  events: readonly CorpusEvent[];
  /** the configured spool root (DECNET_SPOOL_ROOT) */
  spoolRoot: string;
  /** true when deckies' files and spools were read through docker exec */
  inspected: boolean;
}

/** What one check found: a figure, the threshold it is held to, and a verdict. */
export interface CheckResult {
  name: string;
  figure: number;
  /** `figure <= threshold` or `figure >= threshold` passes */
  comparison: '<=' | '>=';
  threshold: number;
  pass: boolean;
  /** true when the corpus held nothing to judge (the check passes vacuously) */
  skipped: boolean;
  detail: string;
}

/** One check of the realism checker: a name and a pure function of the corpus. */
export interface RealismCheck {
  name: string;
  /** what tell it looks for, one line */
  description: string;
  run(corpus: RealismCorpus): CheckResult;
}

/** A result held to `figure <= threshold` (or `>=`). */
export function verdict(name: string, figure: number, comparison: '<=' | '>=', threshold: number, detail: string): CheckResult {
  const pass = comparison === '<=' ? figure <= threshold : figure >= threshold;
  return { name, figure: round(figure), comparison, threshold, pass, skipped: false, detail };
}

/** A check with nothing to judge: passes, says why. */
export function skipped(name: string, comparison: '<=' | '>=', threshold: number, why: string): CheckResult {
  return { name, figure: 0, comparison, threshold, pass: true, skipped: true, detail: why };
}

/** Four significant decimals are plenty for a report. */
export function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x;
}

/** The first `n` items as a short list for a detail line. */
export function sample(items: readonly string[], n = 3): string {
  const head = items.slice(0, n).join(', ');
  return items.length > n ? `${head}, … (${items.length} in all)` : head;
}
