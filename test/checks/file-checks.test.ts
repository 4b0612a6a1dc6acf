import { describe, expect, it } from 'vitest';
import { epochNamesCheck } from '../../src/checks/epoch-names.check.js';
import { filesOutsideHoursCheck } from '../../src/checks/files-outside-hours.check.js';
import { identicalBodiesCheck } from '../../src/checks/identical-bodies.check.js';
import { mtimeDateCheck } from '../../src/checks/mtime-date.check.js';
import { productNameCheck } from '../../src/checks/product-name.check.js';
import type { CorpusFile, RealismCorpus } from '../../src/checks/corpus.js';
import { planFile } from '../builders/baseline.builders.js';
import { seededRng } from '../../src/domain/rng.js';
import { cleanCorpus, withEmails } from './corpus.builder.js';

const clean = cleanCorpus();
const withFiles = (c: RealismCorpus, edit: (fs: CorpusFile[]) => CorpusFile[]) => ({ ...c, files: edit(c.files.map((f) => ({ ...f }))) });
const userFile = (fs: readonly CorpusFile[]) => fs.find((f) => f.author?.includes('@'))!;

describe('files-outside-hours', () => {
  it('passes when people’s files are dated inside their hours', () => {
    expect(filesOutsideHoursCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails when people’s files are stamped in the middle of their night', () => {
    const tell = withFiles(clean, (fs) =>
      fs.map((f) =>
        f.author?.includes('@') ? { ...f, lastModified: new Date(`${f.lastModified.toISOString().slice(0, 10)}T01:30:00Z`) } : f,
      ),
    );
    const r = filesOutsideHoursCheck.run(tell);
    expect(r.pass).toBe(false);
    expect(r.figure).toBeGreaterThan(0.5);
  });

  it('does not hold machines’ logs to office hours', () => {
    const tell = withFiles(clean, (fs) =>
      fs.map((f) => (f.contentClass === 'daemon-log' ? { ...f, lastModified: new Date('2025-02-10T02:00:00Z') } : f)),
    );
    expect(filesOutsideHoursCheck.run(tell).pass).toBe(true);
  });
});

describe('mtime-matches-date', () => {
  it('passes when stat mtimes equal the Date headers and recorded writes', () => {
    expect(mtimeDateCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on a spool file stamped at delivery instead of its Date', () => {
    const tell = withEmails(clean, (es) => {
      es[0]!.spoolMtime = new Date(es[0]!.ts.getTime() + 3_600_000);
      return es;
    });
    expect(mtimeDateCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });

  it('fails on a file whose mtime is "now", or that is missing on the decky', () => {
    const tell = withFiles(clean, (fs) => {
      fs[0]!.statMtime = new Date('2025-06-01T12:00:00Z');
      fs[1]!.statMtime = null;
      return fs;
    });
    const r = mtimeDateCheck.run(tell);
    expect(r).toMatchObject({ pass: false, figure: 2 });
    expect(r.detail).toContain('(missing)');
  });

  it('is skipped without inspection', () => {
    expect(mtimeDateCheck.run({ ...clean, inspected: false })).toMatchObject({ pass: true, skipped: true });
  });
});

describe('epoch-file-names', () => {
  it('passes on names a person or logrotate would give', () => {
    expect(epochNamesCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on every §3.2 baseline template, as recorded in file events', () => {
    const rng = seededRng(1);
    const baseline: CorpusFile[] = Array.from({ length: 6 }, (_, i) => ({
      deckyUuid: 'local:web01',
      path: planFile(rng, new Date(1_777_315_854_000 + i * 60_000)).path,
      author: null,
      contentClass: 'baseline',
      lastModified: new Date(),
      source: 'event',
    }));
    const r = epochNamesCheck.run(withFiles(clean, (fs) => [...fs, ...baseline]));
    expect(r).toMatchObject({ pass: false, figure: 6 });
    expect(r.detail).toMatch(/-1777315\d{3}\./);
  });
});

describe('product-name-visible', () => {
  it('passes when the spool root and every artifact are free of the name', () => {
    expect(productNameCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('flags the default spool root once, naming the variable to change', () => {
    const r = productNameCheck.run({ ...clean, spoolRoot: '/var/spool/decnet-emails' });
    expect(r).toMatchObject({ pass: false, figure: 1 });
    expect(r.detail).toContain('DECNET_SPOOL_ROOT');
  });

  it('flags the name in a file path, a file body, a subject and a message body', () => {
    let tell: RealismCorpus = withFiles(clean, (fs) => {
      fs[0]!.path = '/opt/DecNet/agent.conf';
      fs[1]!.body = 'managed by decnet';
      return fs;
    });
    tell = withEmails(tell, (es) => {
      es[0]!.subject = 'decnet rollout';
      es[1]!.body = 'the decnet box is slow';
      return es;
    });
    expect(productNameCheck.run(tell)).toMatchObject({ pass: false, figure: 4 });
  });
});

describe('identical-bodies', () => {
  it('passes when every body is different', () => {
    expect(identicalBodiesCheck.run(clean)).toMatchObject({ pass: true, figure: 0 });
  });

  it('fails on two emails with the same text, whitespace aside', () => {
    const tell = withEmails(clean, (es) => {
      es[1]!.body = `  ${es[0]!.body!.replace(/\n/g, '\n\n')}`;
      return es;
    });
    expect(identicalBodiesCheck.run(tell)).toMatchObject({ pass: false, figure: 1 });
  });

  it('fails on the baseline’s identical notes on two deckies, but not on one file seen twice', () => {
    const note = (deckyUuid: string, source: 'store' | 'event'): CorpusFile => ({
      deckyUuid,
      path: '/home/admin/notes.txt',
      author: null,
      contentClass: 'baseline',
      lastModified: new Date(),
      body: 'todo: rotate keys; check on backup task\n',
      source,
    });
    expect(identicalBodiesCheck.run(withFiles(clean, (fs) => [...fs, note('local:a', 'store'), note('local:a', 'event')])).pass).toBe(true);
    expect(identicalBodiesCheck.run(withFiles(clean, (fs) => [...fs, note('local:a', 'store'), note('local:b', 'store')]))).toMatchObject({
      pass: false,
      figure: 1,
    });
    expect(userFile(clean.files)).toBeDefined();
  });
});
