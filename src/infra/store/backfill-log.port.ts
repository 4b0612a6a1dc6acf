/** What a backfill gives a decky: files (and their writes) or emails. */
export type BackfillKind = 'files' | 'emails';

/**
 * How a decky's backfill ended: `done` and `skipped` are final (never run again); `failed` and
 * `abandoned` (stopped at shutdown) are tried again on a later appearance.
 */
export type BackfillStatus = 'done' | 'skipped' | 'failed' | 'abandoned';

/** One `decky_backfills` row: the last outcome of one kind of backfill on one decky. */
export interface BackfillRecord {
  deckyUuid: string;
  kind: BackfillKind;
  status: BackfillStatus;
  /** when the outcome was recorded */
  at: Date;
  /** attempts so far, this one included */
  attempts: number;
  /** files or emails written */
  items: number;
  /** writes or generations that failed */
  failures: number;
  /** why it was skipped or failed, bounded */
  detail: string | null;
}

/** The `decky_backfills` table: which deckies already got their past, so it is given once, ever. */
export interface BackfillLogPort {
  /** upserts the outcome by (decky, kind); `attempts` is counted up by the store */
  recordBackfill(rec: Omit<BackfillRecord, 'attempts'>): Promise<BackfillRecord>;
  /** the last outcome for a decky, or null when it was never tried */
  getBackfill(deckyUuid: string, kind: BackfillKind): Promise<BackfillRecord | null>;
  /** every decky whose backfill of `kind` is final (done or skipped) */
  finishedDeckies(kind: BackfillKind): Promise<Set<string>>;
}
