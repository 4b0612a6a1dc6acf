import type { EmailRecord } from '../../domain/email-record.js';
import type { Page } from '../../domain/page.js';

/** Paging for emails, newest first. */
export interface EmailListQuery {
  /** 1..1000 */
  limit: number;
  offset: number;
  mailDeckyUuid?: string;
}

/** The email store: batched writes, thread lookups for replies, per-mail-decky retention. */
export interface EmailStorePort {
  /** writes all rows in one transaction */
  recordEmails(rows: readonly EmailRecord[]): Promise<void>;
  listEmails(q: EmailListQuery): Promise<Page<EmailRecord>>;
  /**
   * Newest successful email between two addresses in either direction (case-insensitive),
   * optionally on one mail decky; the parent of a reply (SPEC §6.3). Null when none.
   */
  findLatestBetween(a: string, b: string, opts?: { mailDeckyUuid?: string }): Promise<EmailRecord | null>;
  /** the successful email with this Message-ID, or null */
  getByMessageId(messageId: string): Promise<EmailRecord | null>;
  /** successful emails of a thread, oldest first */
  threadChain(threadId: string): Promise<EmailRecord[]>;
  /**
   * Message-IDs from the thread root down to `messageId` itself: the `References` header of a
   * reply to that message. Follows In-Reply-To; stops at a missing parent or a cycle.
   */
  referencesFor(messageId: string): Promise<string[]>;
  /** keeps the newest `keepPerMailDecky` rows per mail decky, in one transaction; returns rows removed */
  pruneEmails(keepPerMailDecky: number): Promise<number>;
}
