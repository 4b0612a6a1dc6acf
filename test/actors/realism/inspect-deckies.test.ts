import { describe, expect, it } from 'vitest';
import type { ExecRequest } from '../../../src/infra/docker/docker.port.js';
import type { CorpusEmail, CorpusFile, RealismCorpus } from '../../../src/checks/corpus.js';
import { LIST_SPOOL_SCRIPT, READ_SCRIPT, STAT_SCRIPT, inspectDeckies } from '../../../src/actors/realism/inspect-deckies.js';
import type { RunningDecky } from '../../../src/domain/decky.js';
import { FakeDocker } from '../../fakes/fake-docker.js';

const web: RunningDecky = { uuid: 'local:web01', name: 'web01', ip: '10.0.0.2', services: ['ssh'], source: 'fleet', hostUuid: 'local' };
const mail: RunningDecky = {
  uuid: 'local:mail01',
  name: 'mail01',
  ip: '10.0.0.3',
  services: ['imap', 'ssh'],
  source: 'fleet',
  hostUuid: 'local',
};
const shard: RunningDecky = { uuid: 'far:web09', name: 'web09', ip: '10.9.0.2', services: ['ssh'], source: 'shard', hostUuid: 'far' };
const SPOOL = '/var/spool/mail-archive';
const T = new Date('2025-03-04T09:14:07Z');
const SECS = T.getTime() / 1000;

const file = (path: string, over: Partial<CorpusFile> = {}): CorpusFile => ({
  deckyUuid: web.uuid,
  path,
  author: null,
  contentClass: 'notes',
  lastModified: T,
  source: 'store',
  body: 'x',
  ...over,
});
const email = (emlPath: string): CorpusEmail => ({
  uuid: emlPath,
  ts: T,
  mailDeckyUuid: mail.uuid,
  threadId: 't1',
  messageId: '<a@corp.example>',
  inReplyTo: null,
  sender: 'ann@corp.example',
  recipient: 'bob@corp.example',
  subject: 'hi',
  language: 'en',
  emlPath,
  success: true,
});
const corpus = (files: CorpusFile[], emails: CorpusEmail[] = []): RealismCorpus => ({
  personas: new Map(),
  emails,
  files,
  events: [],
  spoolRoot: SPOOL,
  inspected: false,
});
const result = (stdout: string, rc = 0) => ({ rc, stdout, stderr: '', timedOut: false, truncated: false, durationMs: 1 });

function engine(answers: { stat?: (paths: string[]) => string; list?: string; read?: (path: string) => string }) {
  const fake = new FakeDocker();
  fake.addDecky('web01');
  fake.addDecky('mail01', { services: ['imap', 'ssh'] });
  fake.model(
    (r: ExecRequest) => r.argv[2] === STAT_SCRIPT,
    (r: ExecRequest) => result(answers.stat?.(r.argv.slice(4) as string[]) ?? ''),
  );
  fake.model(
    (r: ExecRequest) => r.argv[2] === LIST_SPOOL_SCRIPT,
    () => result(answers.list ?? ''),
  );
  fake.model(
    (r: ExecRequest) => r.argv[2] === READ_SCRIPT,
    (r: ExecRequest) => result(answers.read?.(r.argv[4]!) ?? ''),
  );
  return fake;
}

describe('inspectDeckies', () => {
  it('fills in stat mtimes (null for a missing file) and reads bodies the store lacks', async () => {
    const fake = engine({
      stat: (ps) => ps.map((p) => (p.includes('gone') ? '- -' : `${SECS} 12`)).join('\n'),
      read: () => 'todo: rotate keys\n',
    });
    const { corpus: c } = await inspectDeckies(
      corpus([file('/home/a/n.txt'), file('/home/a/gone.txt'), file('/home/a/notes-1777315854.txt', { body: undefined, source: 'event' })]),
      [web],
      { dockerFor: () => fake },
    );
    expect(c.inspected).toBe(true);
    expect(c.files.map((f) => f.statMtime)).toEqual([T, null, T]);
    expect(c.files[2]!.body).toBe('todo: rotate keys\n');
    // paths travel as argv elements after the fixed script, never inside it
    const stat = fake.calls.find((x) => x.argv[2] === STAT_SCRIPT)!;
    expect(stat.argv.slice(4)).toEqual(['/home/a/n.txt', '/home/a/gone.txt', '/home/a/notes-1777315854.txt']);
  });

  it('distrusts a stat answer that does not line up with the question', async () => {
    const fake = engine({ stat: () => `${SECS} 1\n${SECS} 1\n${SECS} 1\nextra line from a liar` });
    const { corpus: c, notes } = await inspectDeckies(corpus([file('/home/a/n.txt')]), [web], { dockerFor: () => fake });
    expect(c.files[0]!.statMtime).toBeUndefined();
    expect(notes).toEqual(['web01: stat failed (rc 0)']);
  });

  it('reads spool messages the store knows, ignoring paths outside the spool root or with ..', async () => {
    const good = `${SPOOL}/t1/a_at_corp.example.eml`;
    const list = [
      `${SECS}.000 ${good}`,
      `${SECS} /etc/shadow`,
      `${SECS} ${SPOOL}/../../etc/passwd.eml`,
      'garbage',
      `${SECS} ${SPOOL}/t2/unknown.eml`,
    ].join('\n');
    const eml = 'Date: Tue, 04 Mar 2025 10:14:07 +0100\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHello Bob\r\n';
    const fake = engine({ list, read: () => eml });
    const { corpus: c } = await inspectDeckies(corpus([], [email(good)]), [mail], { dockerFor: () => fake });
    expect(c.emails[0]).toMatchObject({ eml, body: 'Hello Bob\n', spoolMtime: T });
    const reads = fake.calls.filter((x) => x.argv[2] === READ_SCRIPT && x.container === 'mail01-imap').map((x) => x.argv[4]);
    expect(reads).toEqual([good]);
  });

  it('caps what it reads per mail decky, newest first', async () => {
    const paths = Array.from({ length: 5 }, (_, i) => `${SPOOL}/t${i}/m${i}.eml`);
    const fake = engine({ list: paths.map((p, i) => `${SECS + i} ${p}`).join('\n'), read: () => 'X: y\r\n\r\nz' });
    await inspectDeckies(corpus([], paths.map(email)), [mail], { dockerFor: () => fake, maxEmlsPerDecky: 2 });
    expect(fake.calls.filter((x) => x.argv[2] === READ_SCRIPT).map((x) => x.argv[4])).toEqual([paths[4], paths[3]]);
  });

  it('notes deckies it cannot reach instead of failing', async () => {
    const fake = engine({});
    const { notes } = await inspectDeckies(corpus([file('/home/a/n.txt', { deckyUuid: shard.uuid })]), [shard], {
      dockerFor: () => {
        throw new Error('no engine for host far');
      },
    });
    expect(notes).toEqual(['web09: not inspected (no engine for host far)']);
    expect(fake.calls).toHaveLength(0);
  });
});
