import type { DockerPort, ExecRequest, ExecResult } from '../../infra/docker/docker.port.js';
import { execSafely } from '../drivers/exec-safely.js';
import type { DriverLimits } from '../drivers/traffic.driver.js';
import { filePathProblem, isDeckyName } from '../drivers/validate.js';
import type { RunningDecky } from '../../domain/decky.js';
import { mailContainerName } from '../../machines/email/mail-decky.js';
import type { CorpusEmail, CorpusFile, RealismCorpus } from '../../checks/corpus.js';
import { parseEml } from '../../checks/eml-parse.js';

/** Prints `<mtime> <size>` per path given, `- -` for a path that is not a regular file. */
export const STAT_SCRIPT = 'for p in "$@"; do if [ -f "$p" ]; then stat -c \'%Y %s\' -- "$p"; else echo \'- -\'; fi; done';
/** Lists `<mtime> <path>` of every .eml under `$1`. */
export const LIST_SPOOL_SCRIPT = 'if [ -d "$1" ]; then find "$1" -type f -name \'*.eml\' -printf \'%T@ %p\\n\'; fi';
/** Prints at most `$2` bytes of `$1`. */
export const READ_SCRIPT = 'head -c "$2" -- "$1"';

/** Bounds of an inspection; a decky is attacker-controlled, so everything read is capped. */
interface InspectOptions {
  dockerFor: (decky: RunningDecky) => DockerPort;
  limits?: DriverLimits;
  /** most .eml files read per mail decky, newest first (default 300) */
  maxEmlsPerDecky?: number;
  /** most files stat-ed and read per decky (default 2,000) */
  maxFilesPerDecky?: number;
  /** bytes read of one file or message (default 256 KiB) */
  maxReadBytes?: number;
  /** once aborted no further exec starts and the running one is abandoned (the report's deadline) */
  signal?: AbortSignal;
}

/** What inspection could not do, for the report. */
interface InspectNotes {
  notes: string[];
}

const STAT_BATCH = 100;
const FILE_BODY_BYTES = 16 * 1024;

/**
 * Reads what the deckies really hold, through docker exec only: the `stat` mtime of every file
 * the store knows, the bodies of files it has none of (baseline files), and the newest spool
 * messages of each mail decky. Returns the corpus with those facts filled in; never throws.
 */
export async function inspectDeckies(
  corpus: RealismCorpus,
  deckies: readonly RunningDecky[],
  opts: InspectOptions,
): Promise<{ corpus: RealismCorpus } & InspectNotes> {
  const notes: string[] = [];
  const files = corpus.files.map((f) => ({ ...f }));
  const emails = corpus.emails.map((e) => ({ ...e }));
  for (const decky of deckies) {
    if (opts.signal?.aborted) {
      notes.push('inspection aborted: the check passed its deadline');
      break;
    }
    if (!isDeckyName(decky.name)) continue;
    let docker: DockerPort;
    try {
      docker = opts.dockerFor(decky);
    } catch (err) {
      notes.push(`${decky.name}: not inspected (${(err as Error).message})`);
      continue;
    }
    if (decky.services?.includes('ssh'))
      await inspectFiles(
        docker,
        decky,
        files.filter((f) => f.deckyUuid === decky.uuid),
        opts,
        notes,
      );
    const mail = mailContainerName(decky);
    if (mail) await inspectSpool(docker, mail, decky.name, corpus.spoolRoot, emails, opts, notes);
  }
  return { corpus: { ...corpus, files, emails, inspected: true }, notes };
}

async function inspectFiles(
  docker: DockerPort,
  decky: RunningDecky,
  mine: CorpusFile[],
  opts: InspectOptions,
  notes: string[],
): Promise<void> {
  const container = `${decky.name}-ssh`;
  const newest = [...mine].sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime()).slice(0, opts.maxFilesPerDecky ?? 2000);
  const paths = [...new Set(newest.map((f) => f.path).filter((p) => filePathProblem(p) === undefined))];
  const stats = new Map<string, Date | null>();
  for (let i = 0; i < paths.length; i += STAT_BATCH) {
    const batch = paths.slice(i, i + STAT_BATCH);
    const res = await execUnlessAborted(
      docker,
      { container, argv: ['sh', '-c', STAT_SCRIPT, 'sh', ...batch], maxOutputBytes: 64 * 1024 },
      opts,
    );
    if (!res) return;
    const lines = res.stdout.split('\n').filter((l) => l !== '');
    // an answer that does not line up with the question is untrusted garbage: skip the batch
    if (res.rc !== 0 || lines.length !== batch.length) {
      notes.push(`${decky.name}: stat failed (rc ${res.rc})`);
      continue;
    }
    batch.forEach((p, j) => {
      const m = /^(\d{1,12}) \d{1,15}$/.exec(lines[j]!);
      stats.set(p, m ? new Date(Number(m[1]) * 1000) : null);
    });
  }
  const bodies = new Map<string, string>();
  for (const f of newest) {
    if (f.body !== undefined || bodies.has(f.path) || stats.get(f.path) == null) continue;
    const res = await execUnlessAborted(
      docker,
      { container, argv: ['sh', '-c', READ_SCRIPT, 'sh', f.path, String(FILE_BODY_BYTES)], maxOutputBytes: FILE_BODY_BYTES + 1024 },
      opts,
    );
    if (!res) return;
    if (res.rc === 0 && !res.truncated) bodies.set(f.path, res.stdout);
  }
  for (const f of mine) {
    if (stats.has(f.path)) f.statMtime = stats.get(f.path)!;
    if (f.body === undefined && bodies.has(f.path)) f.body = bodies.get(f.path)!;
  }
}

async function inspectSpool(
  docker: DockerPort,
  container: string,
  host: string,
  spoolRoot: string,
  emails: CorpusEmail[],
  opts: InspectOptions,
  notes: string[],
): Promise<void> {
  const listed = await execUnlessAborted(
    docker,
    { container, argv: ['sh', '-c', LIST_SPOOL_SCRIPT, 'sh', spoolRoot], maxOutputBytes: 1024 * 1024 },
    opts,
  );
  if (!listed) return;
  if (listed.rc !== 0 || listed.truncated) {
    notes.push(`${container}: spool not listed (rc ${listed.rc})`);
    return;
  }
  const byPath = new Map(emails.filter((e) => e.emlPath !== '').map((e) => [e.emlPath, e]));
  const found = listed.stdout
    .split('\n')
    .map((l) => /^(\d{1,12})(?:\.\d+)? (\/.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2]!.startsWith(`${spoolRoot}/`) && filePathProblem(m[2]) === undefined)
    .map((m) => ({ mtime: new Date(Number(m[1]) * 1000), path: m[2]! }))
    .filter((f) => byPath.has(f.path))
    .sort((a, b) => b.mtime.getTime() - a.mtime.getTime())
    .slice(0, opts.maxEmlsPerDecky ?? 300);
  const max = opts.maxReadBytes ?? 256 * 1024;
  for (const f of found) {
    const res = await execUnlessAborted(
      docker,
      { container, argv: ['sh', '-c', READ_SCRIPT, 'sh', f.path, String(max)], maxOutputBytes: max + 1024 },
      opts,
    );
    if (!res) return;
    if (res.rc !== 0 || res.truncated) continue;
    const email = byPath.get(f.path)!;
    email.eml = res.stdout;
    email.body = parseEml(res.stdout).body;
    email.spoolMtime = f.mtime;
    email.mailHost = host;
  }
}

// every exec of an inspection goes through here: none starts once the signal aborted
async function execUnlessAborted(
  docker: DockerPort,
  req: Omit<ExecRequest, 'timeoutMs' | 'signal'>,
  opts: InspectOptions,
): Promise<ExecResult | undefined> {
  if (opts.signal?.aborted) return undefined;
  return execSafely(docker, { ...req, timeoutMs: opts.limits?.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
}
