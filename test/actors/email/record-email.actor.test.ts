import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createRecordEmailLogic } from '../../../src/actors/email/record-email.actor.js';
import type { Envelope } from '../../../src/infra/bus/bus.port.js';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import type { EmailRecord } from '../../../src/domain/email-record.js';
import type { EmailRowDraft } from '../../../src/machines/mail/mail.types.js';
import { captureLogger } from '../../infra/personas/capture-logger.js';

const ROW: EmailRowDraft = {
  uuid: '11111111-2222-4333-8444-555555555555',
  ts: '2026-03-03T08:14:07.000Z',
  mailDeckyUuid: 'local:mail01',
  threadId: 't1',
  messageId: '<a@acme.example>',
  inReplyTo: null,
  senderEmail: 'alice@acme.example',
  recipientEmail: 'bob@acme.example',
  subject: 'Budget',
  language: 'en',
  emlPath: '/spool/t1/a_at_acme.example.eml',
  success: true,
  payload: { stage: 'delivered' },
};

function setup(recordEmails: (rows: readonly EmailRecord[]) => Promise<void>) {
  const bus = createMemoryBus({ logger: silentLogger });
  const seen: string[] = [];
  const published: Envelope[] = [];
  bus.subscribe('orchestrator.email.>', (e) => {
    seen.push('publish');
    published.push(e);
  });
  const logger = captureLogger();
  const logic = createRecordEmailLogic({
    emails: {
      recordEmails: async (rows) => {
        await recordEmails(rows);
        seen.push('commit');
      },
    },
    bus,
    logger,
    now: () => new Date('2026-03-03T08:14:08.000Z'),
  });
  const record = (row: EmailRowDraft) => toPromise(createActor(logic, { input: row }).start());
  return { record, seen, published, logger };
}

describe('recordEmail actor', () => {
  it('commits the row, then publishes orchestrator.email.<mail decky> and logs one info line', async () => {
    const rows: EmailRecord[] = [];
    const { record, seen, published, logger } = setup(async (r) => {
      rows.push(...r);
    });
    const out = await record(ROW);
    expect(out).toEqual({ at: '2026-03-03T08:14:08.000Z' });
    expect(seen).toEqual(['commit', 'publish']);
    expect(rows).toEqual([{ ...ROW, ts: new Date(ROW.ts) }]);
    expect(published[0]).toMatchObject({
      topic: 'orchestrator.email.local:mail01',
      type: 'email.delivered',
      payload: { uuid: ROW.uuid, kind: 'email', success: true },
    });
    const line = logger.lines.find((l) => l.msg === 'email');
    expect(line).toMatchObject({
      level: 'info',
      obj: { kind: 'email', success: true, dst: 'local:mail01', stage: 'delivered', uuid: ROW.uuid },
    });
  });

  it('publishes email.failed for a failed row', async () => {
    const { record, published } = setup(async () => {});
    await record({ ...ROW, success: false, payload: { stage: 'llm', stderr: 'timeout' } });
    expect(published[0]?.type).toBe('email.failed');
  });

  it('publishes and logs nothing when the store refuses the row, and rejects so the machine retries', async () => {
    const { record, seen, logger } = setup(async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    await expect(record(ROW)).rejects.toThrow(/SQLITE_BUSY/);
    expect(seen).toEqual([]);
    expect(logger.lines.filter((l) => l.msg === 'email')).toEqual([]);
  });
});
