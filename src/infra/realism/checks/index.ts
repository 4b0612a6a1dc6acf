import type { CheckResult, RealismCheck, RealismCorpus } from '../corpus.js';
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
import { rePrefixCheck } from './re-prefix.check.js';
import { senderRecipientCheck } from './sender-recipient.check.js';

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
  dateZoneCheck,
  languageSwitchCheck,
  epochNamesCheck,
  productNameCheck,
  identicalBodiesCheck,
];

/** The whole report: every result and whether all passed. */
export interface RealismReport {
  pass: boolean;
  checks: CheckResult[];
}

/** Runs every check on the corpus; a check that throws is reported as failed, never crashes the report. */
export function runChecks(corpus: RealismCorpus, checks: readonly RealismCheck[] = ALL_CHECKS): RealismReport {
  const results = checks.map((c): CheckResult => {
    try {
      return c.run(corpus);
    } catch (err) {
      return { name: c.name, figure: Number.NaN, comparison: '<=', threshold: 0, pass: false, skipped: false, detail: `check crashed: ${(err as Error).message}` };
    }
  });
  return { pass: results.every((r) => r.pass), checks: results };
}
