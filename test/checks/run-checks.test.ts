import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks, summaryLine } from '../../src/checks/index.js';
import { skipped } from '../../src/checks/corpus.js';
import { cleanCorpus } from './corpus.builder.js';

describe('runChecks', () => {
  const clean = cleanCorpus();

  it('passes every check on a clean corpus, and none of them vacuously', () => {
    const report = runChecks(clean);
    const failed = report.checks.filter((c) => !c.pass);
    expect(failed).toEqual([]);
    expect(report).toMatchObject({ pass: true, verdict: 'pass', ran: ALL_CHECKS.length, skipped: 0, failed: 0 });
    expect(summaryLine(report)).toBe(`all ${ALL_CHECKS.length} checks passed`);
    expect(report.checks.filter((c) => c.skipped).map((c) => c.name)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(ALL_CHECKS.map((c) => c.name));
  });

  it('has a corpus big enough to mean something', () => {
    expect(clean.emails.length).toBeGreaterThan(100);
    expect(clean.emails.filter((e) => e.inReplyTo).length).toBeGreaterThan(30);
    expect(clean.files.length).toBeGreaterThan(8);
  });

  it('reports a crashing check as failed instead of throwing', () => {
    const boom = {
      name: 'boom',
      description: 'x',
      run: () => {
        throw new Error('bad corpus');
      },
    };
    const report = runChecks(clean, [boom]);
    expect(report.pass).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'boom', pass: false, detail: 'check crashed: bad corpus' });
  });

  it('skips (and passes) every check that needs data on an empty corpus, except the spool root', () => {
    const report = runChecks({
      personas: new Map(),
      emails: [],
      files: [],
      events: [],
      spoolRoot: '/var/spool/decnet-emails',
      inspected: false,
    });
    expect(report.checks.filter((c) => !c.skipped).map((c) => c.name)).toEqual(['product-name-visible']);
    expect(report).toMatchObject({ pass: false, verdict: 'fail', ran: 1, skipped: ALL_CHECKS.length - 1, failed: 1 });
  });

  it('never calls an empty store a pass, even when the settings-only check passes', () => {
    const report = runChecks({
      personas: new Map(),
      emails: [],
      files: [],
      events: [],
      spoolRoot: '/var/spool/mail-archive',
      inspected: false,
    });
    expect(report).toMatchObject({ pass: false, verdict: 'nothing-checked', ran: 1, skipped: ALL_CHECKS.length - 1, failed: 0 });
    expect(summaryLine(report)).toBe(
      `nothing to check: the store holds 0 emails, 0 files, 0 events; ${ALL_CHECKS.length - 1} of ${ALL_CHECKS.length} checks skipped, not a pass`,
    );
    const none = runChecks(clean, [{ name: 'idle', description: 'x', run: () => skipped('idle', '<=', 0, 'no data') }]);
    expect(none).toMatchObject({ pass: false, verdict: 'nothing-checked', ran: 0 });
    expect(summaryLine(none)).toMatch(/^no checks could run: 1 skipped \(\d+ emails, \d+ files, \d+ events\)$/);
  });

  it('names what it skipped when the checks that ran passed', () => {
    const some = runChecks(clean, [ALL_CHECKS[0]!, { name: 'idle', description: 'x', run: () => skipped('idle', '<=', 0, 'no data') }]);
    expect(some).toMatchObject({ pass: true, verdict: 'pass', ran: 1, skipped: 1 });
    expect(summaryLine(some)).toBe('all 1 checks that ran passed; 1 skipped (nothing to judge): idle');
  });
});
