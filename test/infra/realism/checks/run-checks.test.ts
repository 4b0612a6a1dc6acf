import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks } from '../../../../src/infra/realism/checks/index.js';
import { cleanCorpus } from '../corpus.builder.js';

describe('runChecks', () => {
  const clean = cleanCorpus();

  it('passes every check on a clean corpus, and none of them vacuously', () => {
    const report = runChecks(clean);
    const failed = report.checks.filter((c) => !c.pass);
    expect(failed).toEqual([]);
    expect(report.pass).toBe(true);
    expect(report.checks.filter((c) => c.skipped).map((c) => c.name)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(ALL_CHECKS.map((c) => c.name));
  });

  it('has a corpus big enough to mean something', () => {
    expect(clean.emails.length).toBeGreaterThan(100);
    expect(clean.emails.filter((e) => e.inReplyTo).length).toBeGreaterThan(30);
    expect(clean.files.length).toBeGreaterThan(8);
  });

  it('reports a crashing check as failed instead of throwing', () => {
    const boom = { name: 'boom', description: 'x', run: () => { throw new Error('bad corpus'); } };
    const report = runChecks(clean, [boom]);
    expect(report.pass).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'boom', pass: false, detail: 'check crashed: bad corpus' });
  });

  it('skips (and passes) every check that needs data on an empty corpus, except the spool root', () => {
    const report = runChecks({ personas: new Map(), emails: [], files: [], events: [], spoolRoot: '/var/spool/decnet-emails', inspected: false });
    expect(report.checks.filter((c) => !c.skipped).map((c) => c.name)).toEqual(['product-name-visible']);
    expect(report.pass).toBe(false);
  });
});
