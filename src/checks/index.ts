import type { CheckResult, RealismCheck, RealismCorpus } from './corpus.js';
import { brokenThreadsCheck } from './broken-threads.check.js';
import { dateZoneCheck } from './date-zone.check.js';
import { emDashCheck } from './em-dash.check.js';
import { emailsOutsideHoursCheck } from './emails-outside-hours.check.js';
import { epochNamesCheck } from './epoch-names.check.js';
import { filesOutsideHoursCheck } from './files-outside-hours.check.js';
import { fixedIntervalCheck } from './fixed-interval.check.js';
import { identicalBodiesCheck } from './identical-bodies.check.js';
import { languageSwitchCheck } from './language-switch.check.js';
import { mimeHeadersCheck } from './mime-headers.check.js';
import { mtimeDateCheck } from './mtime-date.check.js';
import { productNameCheck } from './product-name.check.js';
import { receivedChainCheck } from './received-chain.check.js';
import { rePrefixCheck } from './re-prefix.check.js';
import { senderRecipientCheck } from './sender-recipient.check.js';
import { traceHeadersCheck } from './trace-headers.check.js';

/** Every check, in report order (SPEC §7). */
export const ALL_CHECKS: readonly RealismCheck[] = [
  emDashCheck,
  emailsOutsideHoursCheck,
  filesOutsideHoursCheck,
  mtimeDateCheck,
  fixedIntervalCheck,
  senderRecipientCheck,
  brokenThreadsCheck,
  rePrefixCheck,
  mimeHeadersCheck,
  traceHeadersCheck,
  receivedChainCheck,
  dateZoneCheck,
  languageSwitchCheck,
  epochNamesCheck,
  productNameCheck,
  identicalBodiesCheck,
];

/** `pass`: every check ran or was skipped and none failed; `nothing-checked`: no data reached the checks. */
type RealismVerdict = 'pass' | 'fail' | 'nothing-checked';

/** The whole report: every result, counts, and a verdict that never calls an empty store a pass. */
export interface RealismReport {
  /** true only for verdict `pass` */
  pass: boolean;
  verdict: RealismVerdict;
  /** checks that judged something (passed or failed) */
  ran: number;
  /** checks that had nothing to judge */
  skipped: number;
  failed: number;
  /** what the checks read */
  corpus: { emails: number; files: number; events: number; personas: number; inspected: boolean };
  checks: CheckResult[];
}

/** Runs every check on the corpus; a check that throws is reported as failed, never crashes the report. */
export function runChecks(corpus: RealismCorpus, checks: readonly RealismCheck[] = ALL_CHECKS): RealismReport {
  const results = checks.map((c): CheckResult => {
    try {
      return c.run(corpus);
    } catch (err) {
      return {
        name: c.name,
        figure: Number.NaN,
        comparison: '<=',
        threshold: 0,
        pass: false,
        skipped: false,
        detail: `check crashed: ${(err as Error).message}`,
      };
    }
  });
  const failed = results.filter((r) => !r.pass).length;
  const skippedCount = results.filter((r) => r.skipped).length;
  const size = {
    emails: corpus.emails.length,
    files: corpus.files.length,
    events: corpus.events.length,
    personas: corpus.personas.size,
    inspected: corpus.inspected,
  };
  // a store with nothing in it is not evidence of realism, even when a settings-only check passes
  const empty = size.emails + size.files + size.events === 0;
  const ran = results.length - skippedCount;
  const verdict: RealismVerdict = failed > 0 ? 'fail' : ran === 0 || empty ? 'nothing-checked' : 'pass';
  return { pass: verdict === 'pass', verdict, ran, skipped: skippedCount, failed, corpus: size, checks: results };
}

/** One honest line for the end of a report: failures, or what could not be checked, or the pass. */
export function summaryLine(report: RealismReport): string {
  const total = report.checks.length;
  const skippedNames = report.checks.filter((c) => c.skipped).map((c) => c.name);
  const skips = skippedNames.length ? `; ${skippedNames.length} skipped (nothing to judge): ${skippedNames.join(', ')}` : '';
  if (report.verdict === 'fail') return `${report.failed} of ${total} checks failed${skips}`;
  if (report.verdict === 'nothing-checked') {
    const c = report.corpus;
    const what = `${c.emails} emails, ${c.files} files, ${c.events} events`;
    return report.ran === 0
      ? `no checks could run: ${total} skipped (${what})`
      : `nothing to check: the store holds ${what}; ${report.skipped} of ${total} checks skipped, not a pass`;
  }
  return skippedNames.length ? `all ${report.ran} checks that ran passed${skips}` : `all ${total} checks passed`;
}
