import type { EmailListQuery, EmailStorePort } from '../../email-store.port.js';
import type { EmailRecord } from '../../../../domain/email-record.js';
import type { Page } from '../../../../domain/page.js';
import { validateKeep, validatePaging } from '../../store-errors.js';
import { withBusyRetry } from './busy-retry.js';
import { pruneNewest, type TieBreak } from './event.repository.js';
import type { Db } from './orm.types.js';
import { chunks, decodePayload, fromDbBool, insertValues, toDbBool } from './row-codec.js';
import { fromDecnetTime, pyJsonDumps, toDecnetTime } from '../../decnet-format.js';
import { EMAIL_COLUMNS } from './written-columns.js';

// 13 columns × 500 rows stays far under SQLite's bound-variable limit.
const CHUNK = 500;
const COLUMNS = EMAIL_COLUMNS;
// a reply chain deeper than this is a loop or garbage, not a conversation.
const MAX_CHAIN = 200;

type EmailDbRow = Record<string, unknown>;

/**
 * `orchestrator_emails` (SPEC §4.2), rows as DECNET's worker writes them: batched writes, reply
 * lookups, per-mail-decky retention. Addresses compare case-insensitively through lower(): DECNET's
 * columns carry no collation (a database this project owns indexes the lowered pair).
 */
export class SqliteEmailStore implements EmailStorePort {
  constructor(
    private readonly db: Db,
    private readonly order: TieBreak = 'rowid',
  ) {}

  /** Writes all rows in one transaction. */
  async recordEmails(rows: readonly EmailRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const dbRows = rows.map(toDbRow).map((r) => COLUMNS.map((c) => r[c]));
    await withBusyRetry(() =>
      this.db.transaction(async (trx) => {
        for (const part of chunks(dbRows, CHUNK)) await insertValues(trx, 'orchestrator_emails', COLUMNS, part);
      }),
    );
  }

  /** Newest first, optionally for one mail decky. */
  async listEmails(q: EmailListQuery): Promise<Page<EmailRecord>> {
    validatePaging(q);
    return this.db.transaction(async (trx) => {
      const where = (qb: ReturnType<Db>) => (q.mailDeckyUuid === undefined ? qb : qb.where({ mail_decky_uuid: q.mailDeckyUuid }));
      const counted = (await where(trx('orchestrator_emails')).count({ n: '*' }).first()) as { n: number } | undefined;
      const rows = (await where(trx('orchestrator_emails'))
        .select('*')
        .orderBy([
          { column: 'ts', order: 'desc' },
          { column: this.order, order: 'desc' },
        ])
        .limit(q.limit)
        .offset(q.offset)) as EmailDbRow[];
      return { total: Number(counted?.n ?? 0), limit: q.limit, offset: q.offset, data: rows.map(fromDbRow) };
    });
  }

  /** Newest successful email of the pair, either direction; the columns compare case-insensitively. */
  async findLatestBetween(a: string, b: string, opts: { mailDeckyUuid?: string } = {}): Promise<EmailRecord | null> {
    const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
    let q = this.db('orchestrator_emails')
      .where({ success: 1 })
      .andWhere((w) => {
        w.whereRaw('lower(sender_email) = ? and lower(recipient_email) = ?', [la, lb]).orWhereRaw(
          'lower(sender_email) = ? and lower(recipient_email) = ?',
          [lb, la],
        );
      });
    if (opts.mailDeckyUuid !== undefined) q = q.andWhere({ mail_decky_uuid: opts.mailDeckyUuid });
    const row = (await q
      .orderBy([
        { column: 'ts', order: 'desc' },
        { column: this.order, order: 'desc' },
      ])
      .first()) as EmailDbRow | undefined;
    return row === undefined ? null : fromDbRow(row);
  }

  /** The successful email with this Message-ID, or null. */
  async getByMessageId(messageId: string): Promise<EmailRecord | null> {
    if (messageId === '') return null;
    const row = (await this.db('orchestrator_emails')
      .where({ message_id: messageId, success: 1 })
      .orderBy([
        { column: 'ts', order: 'desc' },
        { column: this.order, order: 'desc' },
      ])
      .first()) as EmailDbRow | undefined;
    return row === undefined ? null : fromDbRow(row);
  }

  /** Successful emails of one thread, oldest first. */
  async threadChain(threadId: string): Promise<EmailRecord[]> {
    const rows = (await this.db('orchestrator_emails')
      .where({ thread_id: threadId, success: 1 })
      .orderBy([
        { column: 'ts', order: 'asc' },
        { column: this.order, order: 'asc' },
      ])) as EmailDbRow[];
    return rows.map(fromDbRow);
  }

  /** Root-first Message-IDs ending with `messageId`, walking In-Reply-To (bounded, cycle-safe). */
  async referencesFor(messageId: string): Promise<string[]> {
    const start = await this.getByMessageId(messageId);
    if (start === null) return messageId === '' ? [] : [messageId];
    const byId = new Map((await this.threadChain(start.threadId)).map((e) => [e.messageId, e]));
    const chain = [start.messageId];
    const seen = new Set(chain);
    for (let cur = start.inReplyTo; cur && !seen.has(cur) && chain.length < MAX_CHAIN; ) {
      chain.push(cur);
      seen.add(cur);
      cur = byId.get(cur)?.inReplyTo ?? null;
    }
    return chain.reverse();
  }

  /** Keeps the newest rows per mail decky with one DELETE. */
  async pruneEmails(keepPerMailDecky: number): Promise<number> {
    validateKeep(keepPerMailDecky);
    return withBusyRetry(() => pruneNewest(this.db, 'orchestrator_emails', 'mail_decky_uuid', keepPerMailDecky, this.order));
  }
}

function toDbRow(e: EmailRecord): EmailDbRow {
  return {
    uuid: e.uuid,
    ts: toDecnetTime(e.ts),
    mail_decky_uuid: e.mailDeckyUuid,
    thread_id: e.threadId,
    message_id: e.messageId,
    in_reply_to: e.inReplyTo,
    sender_email: e.senderEmail,
    recipient_email: e.recipientEmail,
    subject: e.subject,
    language: e.language,
    eml_path: e.emlPath,
    success: toDbBool(e.success),
    payload: pyJsonDumps(e.payload),
  };
}

function fromDbRow(r: EmailDbRow): EmailRecord {
  return {
    uuid: String(r.uuid),
    ts: fromDecnetTime(r.ts),
    mailDeckyUuid: String(r.mail_decky_uuid),
    threadId: String(r.thread_id),
    messageId: String(r.message_id),
    inReplyTo: r.in_reply_to === null ? null : String(r.in_reply_to),
    senderEmail: String(r.sender_email),
    recipientEmail: String(r.recipient_email),
    subject: String(r.subject),
    language: String(r.language),
    emlPath: String(r.eml_path),
    success: fromDbBool(r.success),
    payload: decodePayload(r.payload),
  };
}
